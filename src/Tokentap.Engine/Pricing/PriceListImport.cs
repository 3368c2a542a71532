// What reading one price list gave: the models taken and the entries left out with their reasons.
namespace Tokentap.Engine.Pricing;

/// <summary>The result of <see cref="IPriceImporter.Import"/>.</summary>
public sealed record PriceListImport(IReadOnlyList<ModelPrice> Models, IReadOnlyList<SkippedPriceEntry> Skipped);
