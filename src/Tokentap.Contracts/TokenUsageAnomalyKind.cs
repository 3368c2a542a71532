// The kinds of unusual usage Tokentap detects per client session.
namespace Tokentap;

/// <summary>What a <see cref="TokenUsageAnomaly"/> found.</summary>
public enum TokenUsageAnomalyKind
{
    /// <summary>Cache reads fell to about zero after a run of cache hits, so the cached prompt was paid again in full.</summary>
    CacheBreak,

    /// <summary>The same request (method, path and body, by fingerprint) was sent again and again within a short time.</summary>
    RetryLoop,

    /// <summary>A prompt far larger than the median prompt of the same session and model.</summary>
    TokenSpike,

    /// <summary>Many failed requests within a short time.</summary>
    ErrorBurst,
}
