// What prompt caching saved and cost in dollars: cache reads against the full input price, cache writes beyond it.
namespace Tokentap.Engine.Pricing;

/// <summary>
/// Cache reads are billed below the input rate (the saving is their tokens times the difference); cache writes above
/// it (the extra cost is the 5 minute and 1 hour write tokens times their rates' difference from the input rate).
/// Rates are chosen as <see cref="ModelPrice.Cost"/> chooses them (the period in force, long-context tiers, missing
/// cache rates falling back to the input rate). Unknown prices give null, never zero.
/// </summary>
public static class CacheSavings
{
    private const decimal TokensPerUnit = 1_000_000m;

    /// <summary>An event's savings at its own model's prices and time; null when no price or input rate is known.</summary>
    public static (decimal ReadSavings, decimal WriteExtraCost)? Of(PriceTable prices, UsageEvent usage)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(usage);
        var price = prices.Resolve(usage.Model, usage.Provider) ?? prices.Resolve(usage.RequestModel, usage.Provider);
        if (price is null)
        {
            return null;
        }

        var counts = TokenCounts.From(usage);
        var period = price.PeriodAt(usage.Timestamp);
        var rates = period.LongContext is { } longContext && period.LongContextAbove is { } above && counts.Prompt > above
            ? longContext
            : period.Rates;
        return Of(rates, counts);
    }

    /// <summary>
    /// Savings of token totals at a model's standard (not long-context) rates at a time: for totals of many requests,
    /// where the long-context tier of each is no longer known.
    /// </summary>
    public static (decimal ReadSavings, decimal WriteExtraCost)? AtStandardRates(ModelPrice price, TokenCounts counts, DateTime atUtc)
    {
        ArgumentNullException.ThrowIfNull(price);
        return Of(price.PeriodAt(atUtc).Rates, counts);
    }

    private static (decimal ReadSavings, decimal WriteExtraCost)? Of(PriceRates rates, TokenCounts counts)
    {
        if (rates.Input is not { } input)
        {
            return null;
        }

        var cacheRead = rates.CacheRead ?? input;
        var write5m = rates.CacheWrite5m ?? input;
        var write1h = rates.CacheWrite1h ?? write5m;
        var oneHour = Math.Clamp(counts.CacheWrite1h, 0, Math.Max(counts.CacheWrite, 0));
        try
        {
            var read = counts.CacheRead * (input - cacheRead) / TokensPerUnit;
            var write = ((counts.CacheWrite - oneHour) * (write5m - input) + oneHour * (write1h - input)) / TokensPerUnit;
            return (read, write);
        }
        catch (OverflowException)
        {
            // Token numbers no real request has (a corrupted response): no figure is better than a wrong one.
            return null;
        }
    }
}
