// The time windows Watch-TokenUsage shows: rolling windows of a fixed length, or the calendar day so far.
namespace Tokentap;

/// <summary>
/// The span a live snapshot adds up. Rolling windows are counted in whole steps of their series (the current step
/// included), so the totals always equal the sum of the sparkline.
/// </summary>
public enum TokenUsageWindow
{
    /// <summary>The last 15 minutes, in one-minute steps ("15m").</summary>
    Last15Minutes,

    /// <summary>The last hour, in one-minute steps ("1h").</summary>
    LastHour,

    /// <summary>Today since local midnight, in one-hour steps ("today").</summary>
    Today,

    /// <summary>The last 7 days, in one-hour steps ("7d").</summary>
    Last7Days,

    /// <summary>The last 30 days, in six-hour steps ("30d").</summary>
    Last30Days,

    /// <summary>The last 5 minutes, in one-minute steps ("5m").</summary>
    Last5Minutes,

    /// <summary>The last 24 hours, in one-hour steps ("24h").</summary>
    Last24Hours,

    /// <summary>Everything stored, from the day (UTC) of the first matching event, in one-day steps ("all").</summary>
    All,
}
