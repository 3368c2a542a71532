// A subscription limit (Claude Pro/Max unified 5-hour or 7-day window) or a provider's API rate limit, as the latest
// response that reported it said.
namespace Tokentap;

/// <summary>
/// The utilization of one unified limit from the anthropic-ratelimit-unified-5h-* or -7d-* headers, or of one API rate
/// limit from x-ratelimit-{limit,remaining,reset}-* or anthropic-ratelimit-* ((limit - remaining) / limit), of the newest
/// response that carried them.
/// </summary>
public sealed class TokenUsageLimitGauge
{
    /// <summary>The provider whose response reported it ("anthropic" for the subscription windows).</summary>
    public string Provider { get; init; } = "anthropic";

    /// <summary>"5h" or "7d" (subscription windows); "requests", "tokens", "input tokens" or "output tokens" (API limits).</summary>
    public string Name { get; init; } = "";

    /// <summary>The fraction of the limit used (0.42 = 42 %).</summary>
    public double Utilization { get; init; }

    /// <summary>When the limit's window resets; null when the response did not say.</summary>
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>The header's status: allowed, allowed_warning or rejected.</summary>
    public string? Status { get; init; }

    /// <summary>When the request that reported it started, in UTC.</summary>
    public DateTime ObservedAt { get; init; }

    /// <summary>True when the reset time has passed since: the utilization is out of date until the next response.</summary>
    public bool Expired { get; init; }
}
