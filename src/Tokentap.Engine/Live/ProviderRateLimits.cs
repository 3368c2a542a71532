// The newest API rate-limit readings of every provider (x-ratelimit-*, anthropic-ratelimit-*) seen in the store.
namespace Tokentap.Engine.Live;

/// <summary>
/// Keeps, per provider and limit (requests, tokens, input tokens, output tokens), the reading of the newest request
/// that reported both the limit and what remained of it (by timestamp; among equal timestamps the one stored later).
/// Claude subscription windows are <see cref="SubscriptionLimits"/>' business. Observing the same event twice changes
/// nothing.
/// </summary>
internal sealed class ProviderRateLimits
{
    private readonly SortedDictionary<(string Provider, int Kind), Reading> _readings = new();

    private static readonly string[] Names = ["requests", "tokens", "input tokens", "output tokens"];

    private sealed record Reading(long Limit, long Remaining, DateTimeOffset? ResetsAt, DateTime ObservedAt);

    /// <summary>Takes the event's readings when they are at least as new as the ones held; true when one changed.</summary>
    public bool Observe(UsageEvent usageEvent)
    {
        if (usageEvent.RateLimits is not { } r)
        {
            return false;
        }

        var changed = Take(usageEvent, 0, r.RequestsLimit, r.RequestsRemaining, r.RequestsReset);
        changed |= Take(usageEvent, 1, r.TokensLimit, r.TokensRemaining, r.TokensReset);
        changed |= Take(usageEvent, 2, r.InputTokensLimit, r.InputTokensRemaining, r.InputTokensReset);
        changed |= Take(usageEvent, 3, r.OutputTokensLimit, r.OutputTokensRemaining, r.OutputTokensReset);
        return changed;
    }

    /// <summary>How many readings have passed their reset time at <paramref name="nowUtc"/>.</summary>
    public int ExpiredCount(DateTime nowUtc) => _readings.Values.Count(r => IsExpired(r, nowUtc));

    /// <summary>The gauges by provider (ordinal), then requests, tokens, input tokens, output tokens.</summary>
    public IReadOnlyList<TokenUsageLimitGauge> Gauges(DateTime nowUtc) =>
        _readings.Select(pair => new TokenUsageLimitGauge
        {
            Provider = pair.Key.Provider,
            Name = Names[pair.Key.Kind],
            Utilization = (double)(pair.Value.Limit - pair.Value.Remaining) / pair.Value.Limit,
            ResetsAt = pair.Value.ResetsAt,
            ObservedAt = pair.Value.ObservedAt,
            Expired = IsExpired(pair.Value, nowUtc),
        }).ToList();

    private bool Take(UsageEvent usageEvent, int kind, long? limit, long? remaining, DateTimeOffset? resetsAt)
    {
        if (limit is not > 0 || remaining is not { } left)
        {
            return false;
        }

        var key = (usageEvent.Provider ?? "", kind);
        var reading = new Reading(limit.Value, Math.Clamp(left, 0, limit.Value), resetsAt, usageEvent.Timestamp);
        if (_readings.TryGetValue(key, out var held) && (reading.ObservedAt < held.ObservedAt || reading == held))
        {
            return false;
        }

        _readings[key] = reading;
        return true;
    }

    private static bool IsExpired(Reading reading, DateTime nowUtc) => reading.ResetsAt is { } reset && reset.UtcDateTime <= nowUtc;
}
