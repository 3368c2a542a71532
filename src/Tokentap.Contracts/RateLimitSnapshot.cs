// Rate-limit and subscription-limit state reported by a provider's response headers, as typed values.
namespace Tokentap;

/// <summary>
/// The rate-limit headers seen on one response. Anthropic subscription (Claude Pro/Max) limits come as
/// anthropic-ratelimit-unified-*; API-key limits as anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-*
/// and OpenAI-style x-ratelimit-{limit,remaining,reset}-{requests,tokens}. Properties are null when the header was absent.
/// </summary>
public sealed class RateLimitSnapshot
{
    /// <summary>anthropic-ratelimit-unified-status: allowed, allowed_warning or rejected.</summary>
    public string? UnifiedStatus { get; set; }

    /// <summary>anthropic-ratelimit-unified-reset: when the binding unified limit resets.</summary>
    public DateTimeOffset? UnifiedReset { get; set; }

    /// <summary>anthropic-ratelimit-unified-representative-claim: which window is binding (five_hour, seven_day, ...).</summary>
    public string? UnifiedRepresentativeClaim { get; set; }

    /// <summary>anthropic-ratelimit-unified-5h-utilization as a fraction (0.42 = 42 % of the 5-hour window used).</summary>
    public double? Unified5hUtilization { get; set; }

    /// <summary>anthropic-ratelimit-unified-5h-reset.</summary>
    public DateTimeOffset? Unified5hReset { get; set; }

    /// <summary>anthropic-ratelimit-unified-5h-status.</summary>
    public string? Unified5hStatus { get; set; }

    /// <summary>anthropic-ratelimit-unified-7d-utilization as a fraction.</summary>
    public double? Unified7dUtilization { get; set; }

    /// <summary>anthropic-ratelimit-unified-7d-reset.</summary>
    public DateTimeOffset? Unified7dReset { get; set; }

    /// <summary>anthropic-ratelimit-unified-7d-status.</summary>
    public string? Unified7dStatus { get; set; }

    /// <summary>Request limit per window (anthropic-ratelimit-requests-limit, x-ratelimit-limit-requests).</summary>
    public long? RequestsLimit { get; set; }

    /// <summary>Requests remaining in the window.</summary>
    public long? RequestsRemaining { get; set; }

    /// <summary>When the request window resets.</summary>
    public DateTimeOffset? RequestsReset { get; set; }

    /// <summary>Token limit per window (anthropic-ratelimit-tokens-limit, x-ratelimit-limit-tokens).</summary>
    public long? TokensLimit { get; set; }

    /// <summary>Tokens remaining in the window.</summary>
    public long? TokensRemaining { get; set; }

    /// <summary>When the token window resets.</summary>
    public DateTimeOffset? TokensReset { get; set; }

    /// <summary>anthropic-ratelimit-input-tokens-limit.</summary>
    public long? InputTokensLimit { get; set; }

    /// <summary>anthropic-ratelimit-input-tokens-remaining.</summary>
    public long? InputTokensRemaining { get; set; }

    /// <summary>anthropic-ratelimit-input-tokens-reset.</summary>
    public DateTimeOffset? InputTokensReset { get; set; }

    /// <summary>anthropic-ratelimit-output-tokens-limit.</summary>
    public long? OutputTokensLimit { get; set; }

    /// <summary>anthropic-ratelimit-output-tokens-remaining.</summary>
    public long? OutputTokensRemaining { get; set; }

    /// <summary>anthropic-ratelimit-output-tokens-reset.</summary>
    public DateTimeOffset? OutputTokensReset { get; set; }
}
