// The figures Assert-TokenUsage checked and which checks failed.
namespace Tokentap;

/// <summary>
/// The usage of the selected events against <see cref="TokenUsageLimits"/>: the figures, and one sentence per failed
/// check in <see cref="Failures"/> (empty when every check passed).
/// </summary>
public sealed class TokenUsageAssertion
{
    /// <summary>True when every check passed.</summary>
    public bool Passed => Failures.Count == 0;

    /// <summary>Requests selected.</summary>
    public long Requests { get; init; }

    /// <summary>Requests that did not succeed.</summary>
    public long Errors { get; init; }

    /// <summary>Errors / Requests (0 when there were no requests).</summary>
    public double ErrorRate { get; init; }

    /// <summary>All tokens: input, cache reads and writes, output.</summary>
    public long TotalTokens { get; init; }

    /// <summary>The sum of the known costs in US dollars (see <see cref="UnpricedRequests"/>).</summary>
    public decimal Cost { get; init; }

    /// <summary>Requests whose cost is unknown: not in <see cref="Cost"/>, so a cost limit cannot be confirmed.</summary>
    public long UnpricedRequests { get; init; }

    /// <summary>The anomalies found among the selected events.</summary>
    public IReadOnlyList<TokenUsageAnomaly> Anomalies { get; init; } = Array.Empty<TokenUsageAnomaly>();

    /// <summary>The limits checked.</summary>
    public TokenUsageLimits Limits { get; init; } = new();

    /// <summary>One sentence per failed check, with its figure.</summary>
    public IReadOnlyList<string> Failures { get; init; } = Array.Empty<string>();
}
