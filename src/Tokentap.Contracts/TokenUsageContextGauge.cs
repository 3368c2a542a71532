// How full an active conversation's context window is, from its last request.
namespace Tokentap;

/// <summary>
/// One active client session (a request in the last 30 minutes): the whole prompt of its last request
/// (<see cref="UsageEvent.ContextTokens"/>) against the context window of that request's model.
/// </summary>
public sealed class TokenUsageContextGauge
{
    /// <summary>The client's session id (Claude Code, Codex), else the Tokentap session name.</summary>
    public string Session { get; init; } = "";

    /// <summary>The calling application of the last request.</summary>
    public string? App { get; init; }

    /// <summary>The model of the last request.</summary>
    public string? Model { get; init; }

    /// <summary>Input + cache read + cache write tokens of the last request.</summary>
    public long ContextTokens { get; init; }

    /// <summary>The model's context window in tokens; null when the price table does not know it.</summary>
    public long? ContextWindow { get; init; }

    /// <summary>ContextTokens / ContextWindow (0 to 1, above 1 if the window is understated); null when unknown.</summary>
    public double? Fraction { get; init; }

    /// <summary>When the last request started, in UTC.</summary>
    public DateTime LastRequest { get; init; }
}
