// The newest Claude subscription limit readings (unified 5-hour and 7-day windows) seen in the store.
namespace Tokentap.Engine.Live;

/// <summary>
/// Keeps, for the 5h and 7d limits separately, the reading of the newest request that reported it (by timestamp; among
/// equal timestamps the one stored later). Observing the same event twice changes nothing.
/// </summary>
internal sealed class SubscriptionLimits
{
    private Reading? _fiveHour;
    private Reading? _sevenDay;

    private sealed record Reading(double Utilization, DateTimeOffset? ResetsAt, string? Status, DateTime ObservedAt);

    /// <summary>True when both limits have a reading.</summary>
    public bool Complete => _fiveHour is not null && _sevenDay is not null;

    /// <summary>Takes the event's readings when they are at least as new as the ones held; true when one changed.</summary>
    public bool Observe(UsageEvent usageEvent)
    {
        if (usageEvent.RateLimits is not { } limits)
        {
            return false;
        }

        var changed = false;
        if (limits.Unified5hUtilization is { } fiveHour)
        {
            changed |= Take(ref _fiveHour, new Reading(fiveHour, limits.Unified5hReset, limits.Unified5hStatus, usageEvent.Timestamp));
        }

        if (limits.Unified7dUtilization is { } sevenDay)
        {
            changed |= Take(ref _sevenDay, new Reading(sevenDay, limits.Unified7dReset, limits.Unified7dStatus, usageEvent.Timestamp));
        }

        return changed;
    }

    /// <summary>How many readings have passed their reset time at <paramref name="nowUtc"/>.</summary>
    public int ExpiredCount(DateTime nowUtc) =>
        (IsExpired(_fiveHour, nowUtc) ? 1 : 0) + (IsExpired(_sevenDay, nowUtc) ? 1 : 0);

    /// <summary>The gauges, 5h first.</summary>
    public IReadOnlyList<TokenUsageLimitGauge> Gauges(DateTime nowUtc)
    {
        var gauges = new List<TokenUsageLimitGauge>(2);
        Add(gauges, "5h", _fiveHour, nowUtc);
        Add(gauges, "7d", _sevenDay, nowUtc);
        return gauges;
    }

    private static bool Take(ref Reading? held, Reading reading)
    {
        if (held is not null && (reading.ObservedAt < held.ObservedAt || reading == held))
        {
            return false;
        }

        held = reading;
        return true;
    }

    private static bool IsExpired(Reading? reading, DateTime nowUtc) =>
        reading?.ResetsAt is { } reset && reset.UtcDateTime <= nowUtc;

    private static void Add(List<TokenUsageLimitGauge> gauges, string name, Reading? reading, DateTime nowUtc)
    {
        if (reading is null)
        {
            return;
        }

        gauges.Add(new TokenUsageLimitGauge
        {
            Name = name,
            Utilization = reading.Utilization,
            ResetsAt = reading.ResetsAt,
            Status = reading.Status,
            ObservedAt = reading.ObservedAt,
            Expired = IsExpired(reading, nowUtc),
        });
    }
}
