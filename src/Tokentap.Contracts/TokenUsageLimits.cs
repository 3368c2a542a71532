// The checks Assert-TokenUsage makes: upper limits on cost, error rate, requests and tokens, and forbidden anomalies.
namespace Tokentap;

/// <summary>Limits a set of usage events must stay within; a null limit is not checked.</summary>
public sealed record TokenUsageLimits
{
    /// <summary>The most the events may cost, in US dollars.</summary>
    public decimal? MaxCost { get; init; }

    /// <summary>The highest share of failed requests (0 to 1).</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>The most requests.</summary>
    public long? MaxRequests { get; init; }

    /// <summary>The most tokens (input, cache reads and writes, output).</summary>
    public long? MaxTokens { get; init; }

    /// <summary>Anomaly kinds that must not occur.</summary>
    public IReadOnlyList<TokenUsageAnomalyKind> NoAnomaly { get; init; } = Array.Empty<TokenUsageAnomalyKind>();
}
