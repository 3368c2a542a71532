// Facade use case of Get-TokenUsageSummary's reports: weeks, months, client sessions, billing blocks, cache savings.
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>
    /// Totals of the matching events, one row per combination of <paramref name="groupBy"/> (one total row when empty):
    /// Day, Hour, Week and Month in <see cref="UsageSummaryOptions.TimeZone"/> with weeks starting on
    /// <see cref="UsageSummaryOptions.WeekStart"/>, billing blocks judged now, cache savings at each event's own prices
    /// when asked. Throws TimeZoneNotFound (the command stops) or a store failure.
    /// </summary>
    public IReadOnlyList<UsageSummaryRow> GetSummary(UsageFilter filter, IReadOnlyCollection<UsageGroupBy> groupBy, UsageSummaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var zone = FindTimeZone(options.TimeZone);
        var prices = options.CacheSavings ? Runtime.Prices : null;
        var summaryOptions = new SummaryOptions
        {
            WeekStart = options.WeekStart,
            CacheSavings = prices is null ? null : e => Pricing.CacheSavings.Of(prices, e),
        };
        return Store(store => store.Summarize(filter, groupBy.Distinct().ToList(), zone, summaryOptions));
    }

    private static TimeZoneInfo FindTimeZone(string? timeZone)
    {
        if (timeZone is null)
        {
            return TimeZoneInfo.Local;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception ex) when (EngineFailures.TimeZone(ex, timeZone) is { } failure)
        {
            throw failure;
        }
    }
}
