// One anomaly found in a client session's usage: a cache break, a retry loop, a token spike or an error burst.
namespace Tokentap;

/// <summary>
/// Something unusual in one client session (Claude Code's or Codex's session id, else the app and its process), with
/// what it cost beyond the normal: the tokens and dollars a cache break paid again, the repeats of a retry loop, the
/// part of a spike above the session's median prompt, the failed requests of a burst.
/// </summary>
public sealed class TokenUsageAnomaly
{
    /// <summary>What was found.</summary>
    public TokenUsageAnomalyKind Kind { get; init; }

    /// <summary>The client session: the client's own session id, else "app pid N", else "app in session".</summary>
    public string Session { get; init; } = "";

    /// <summary>The calling application.</summary>
    public string? App { get; init; }

    /// <summary>The model (for a retry loop or error burst, the model of its first request).</summary>
    public string? Model { get; init; }

    /// <summary>When the first request of the anomaly started, in UTC.</summary>
    public DateTime Start { get; init; }

    /// <summary>When the last request of the anomaly started, in UTC.</summary>
    public DateTime End { get; init; }

    /// <summary>How many requests it spans.</summary>
    public int Count { get; init; }

    /// <summary>Tokens spent beyond the normal (see the class summary for each kind).</summary>
    public long ExtraTokens { get; init; }

    /// <summary>What <see cref="ExtraTokens"/> cost in US dollars; null when a price involved is unknown.</summary>
    public decimal? ExtraCost { get; init; }

    /// <summary>One sentence with the figures behind the finding.</summary>
    public string Detail { get; init; } = "";

    /// <summary>The Tokentap session of the first request (Start-Tokentap -Session or an Invoke-TokentapCommand run).</summary>
    public string? TokentapSession { get; init; }

    public override string ToString() => $"{Kind} {Session}: {Detail}";
}
