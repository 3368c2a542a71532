// Which stored events a query, summary, count or removal applies to.
namespace Tokentap;

/// <summary>
/// Event selection shared by queries, summaries and retention. Every set condition must hold. Label lists match when
/// any of their patterns matches; patterns are case-insensitive and accept the wildcards * and ?.
/// </summary>
public sealed record UsageFilter
{
    /// <summary>Everything.</summary>
    public static UsageFilter All { get; } = new();

    /// <summary>Events at or after this instant. Local and Unspecified values are taken as local time.</summary>
    public DateTime? Since { get; init; }

    /// <summary>Events strictly before this instant. Local and Unspecified values are taken as local time.</summary>
    public DateTime? Until { get; init; }

    /// <summary>Provider patterns (anthropic, open*, ...).</summary>
    public IReadOnlyList<string>? Provider { get; init; }

    /// <summary>Model patterns (claude-*, gpt-4?-mini, ...).</summary>
    public IReadOnlyList<string>? Model { get; init; }

    /// <summary>Calling application patterns.</summary>
    public IReadOnlyList<string>? App { get; init; }

    /// <summary>Tokentap session patterns.</summary>
    public IReadOnlyList<string>? Session { get; init; }

    /// <summary>Project patterns.</summary>
    public IReadOnlyList<string>? Project { get; init; }

    /// <summary>Only events from these sources (Proxy, ClaudeCodeLog, ...); null or empty: every source.</summary>
    public IReadOnlyList<UsageSource>? Source { get; init; }

    /// <summary>Only succeeded or only failed exchanges (<see cref="UsageEvent.IsSuccess"/>).</summary>
    public UsageStatus? Status { get; init; }
}
