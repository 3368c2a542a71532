// Describes the price table for users (Get-TokentapPrice) and imports price lists into the override file.
namespace Tokentap.Engine.Pricing;

/// <summary>The user-facing view of the price table.</summary>
public static class PriceCatalog
{
    /// <summary>Every model in the table (overrides first, then embedded ones they do not replace), prices in force at <paramref name="atUtc"/>.</summary>
    public static IEnumerable<ModelPriceInfo> List(PriceTable table, DateTime atUtc)
    {
        var overridden = new HashSet<string>(table.Overrides.Select(m => m.Id), StringComparer.OrdinalIgnoreCase);
        return table.Overrides.Select(m => Describe(m, atUtc, isOverride: true))
            .Concat(table.Models.Where(m => !overridden.Contains(m.Id)).Select(m => Describe(m, atUtc, isOverride: false)));
    }

    /// <summary>The price a model name resolves to (aliases, dated snapshots, provider prefixes), or null.</summary>
    public static ModelPriceInfo? Find(PriceTable table, string model, string? provider, DateTime atUtc)
    {
        var price = table.Resolve(model, provider);
        return price is null ? null : Describe(price, atUtc, table.Overrides.Contains(price));
    }

    /// <summary>Imports a price list file of the given format into the override file; returns the models and skipped entries.</summary>
    public static PriceListImport Import(PriceListFormat format, string sourcePath, string overridesPath, DateOnly today)
    {
        IPriceImporter importer = format switch
        {
            PriceListFormat.LiteLLM => new LiteLlmPriceImporter(),
            PriceListFormat.GenAiPrices => new GenAiPricesImporter(),
            PriceListFormat.ModelsDev => new ModelsDevPriceImporter(),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        return PriceOverrides.ImportInto(importer, sourcePath, overridesPath, today);
    }

    private static ModelPriceInfo Describe(ModelPrice price, DateTime atUtc, bool isOverride)
    {
        var period = price.PeriodAt(atUtc);
        return new ModelPriceInfo
        {
            Model = price.Id,
            Provider = price.Provider,
            Input = period.Rates.Input,
            Output = period.Rates.Output,
            CacheRead = period.Rates.CacheRead,
            CacheWrite5m = period.Rates.CacheWrite5m,
            CacheWrite1h = period.Rates.CacheWrite1h,
            LongContextAbove = period.LongContextAbove,
            LongContextInput = period.LongContext?.Input,
            LongContextOutput = period.LongContext?.Output,
            ContextWindow = price.ContextWindow,
            Source = price.Source,
            Retrieved = price.Retrieved,
            IsOverride = isOverride,
        };
    }
}
