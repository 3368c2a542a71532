// What Import-TokentapPrice wrote.
namespace Tokentap;

/// <summary>What Import-TokentapPrice wrote.</summary>
public sealed record PriceImportResult(string Path, PriceListFormat Format, int Models, string OverridesPath);
