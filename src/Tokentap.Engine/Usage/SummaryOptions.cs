// What a summary needs beyond filter, grouping and zone: the week's first day, the time blocks are judged at, and
// the cache price difference of an event (from Pricing, which the store does not know).
namespace Tokentap.Engine.Usage;

/// <summary>Options of <see cref="UsageStore.Summarize(UsageFilter, IReadOnlyCollection{UsageGroupBy}?, TimeZoneInfo?, SummaryOptions?)"/>.</summary>
public sealed class SummaryOptions
{
    /// <summary>Week and month rows and blocks as usual: Monday weeks, blocks judged now, no cache savings.</summary>
    public static readonly SummaryOptions Default = new();

    /// <summary>The first day of a week for Week rows.</summary>
    public DayOfWeek WeekStart { get; init; } = DayOfWeek.Monday;

    /// <summary>The moment (UTC) at which a billing block is judged active and its cost projected; null: now.</summary>
    public DateTime? NowUtc { get; init; }

    /// <summary>
    /// An event's cache savings: what its cache reads saved against the full input price, and what its cache writes
    /// cost beyond it, in US dollars; null when its price is unknown. When set, every event of the range is read.
    /// </summary>
    public Func<UsageEvent, (decimal ReadSavings, decimal WriteExtraCost)?>? CacheSavings { get; init; }
}
