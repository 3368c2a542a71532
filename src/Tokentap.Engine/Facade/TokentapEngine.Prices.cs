// Facade use cases of Get- and Import-TokentapPrice: the price table events are costed with.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>Every price in force now (the embedded table with the user's prices.json over it).</summary>
    public IEnumerable<ModelPriceInfo> GetPrices() => PriceCatalog.List(Runtime.Prices, DateTime.UtcNow);

    /// <summary>The price a model name as requests send it resolves to (as events are costed), or null.</summary>
    public ModelPriceInfo? FindPrice(string model, string? provider) => PriceCatalog.Find(Runtime.Prices, model, provider, DateTime.UtcNow);

    /// <summary>The distinct model ids (or, with <paramref name="providers"/>, providers) of the price table, sorted.</summary>
    public IReadOnlyList<string> GetPriceValues(bool providers)
    {
        var table = Runtime.Prices;
        return table.Overrides.Concat(table.Models).Select(m => providers ? m.Provider : m.Id).OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The user's prices.json, where imports are merged.</summary>
    public string PriceOverridesPath => Runtime.Paths.PriceOverridesPath;

    /// <summary>
    /// Merges a price list into prices.json and reloads the table, once <paramref name="confirm"/> (target, action) says
    /// yes (null when it says no). Each skipped model and a running proxy that keeps its old prices are said on
    /// <paramref name="messages"/>. Throws PriceListNotFound or PriceListInvalid.
    /// </summary>
    public PriceImportResult? ImportPrices(PriceListFormat format, string sourcePath, Func<string, string, bool> confirm, ITokentapMessages messages)
    {
        if (!File.Exists(sourcePath))
        {
            throw EngineFailures.Refused("PriceListNotFound", TokentapErrorCategory.ObjectNotFound, $"Price list '{sourcePath}' does not exist.", sourcePath, stopsCommand: false);
        }

        if (!confirm(PriceOverridesPath, $"Merge the {format} price list {sourcePath}"))
        {
            return null;
        }

        PriceListImport imported;
        try
        {
            imported = PriceCatalog.Import(format, sourcePath, PriceOverridesPath, DateOnly.FromDateTime(DateTime.UtcNow));
        }
        catch (Exception ex) when (EngineFailures.PriceList(ex, sourcePath) is { } failure)
        {
            throw failure;
        }

        // A skipped model would otherwise go uncosted or keep an older price without the user knowing why.
        foreach (var skipped in imported.Skipped)
        {
            messages.WriteWarning($"Skipped '{skipped.Model}': {skipped.Reason}.");
        }

        if (!Runtime.ReloadPrices())
        {
            messages.WriteWarning("The running proxy keeps the prices it started with; restart it (Stop-Tokentap; Start-Tokentap) to cost new events with the imported prices.");
        }

        return new PriceImportResult(sourcePath, format, imported.Models.Count, PriceOverridesPath);
    }
}
