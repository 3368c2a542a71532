// One model of a price list that an importer left out, and why.
namespace Tokentap.Engine.Pricing;

/// <summary>A price list entry that was not imported because its prices cannot be right (the reason says which value).</summary>
public sealed record SkippedPriceEntry(string Model, string Reason);
