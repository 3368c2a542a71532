// What a stopped Tokentap session (or one Invoke-TokentapCommand run) captured.
namespace Tokentap;

/// <summary>The totals of one Tokentap session or command run.</summary>
public sealed class TokentapSessionReport
{
    /// <summary>The session name the events are tagged with.</summary>
    public string? Session { get; init; }

    /// <summary>The command that ran (Invoke-TokentapCommand), else null.</summary>
    public string? Command { get; init; }

    /// <summary>The command's exit code (Invoke-TokentapCommand), else null.</summary>
    public int? ExitCode { get; init; }

    /// <summary>How long the session or run lasted.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Billed LLM requests captured.</summary>
    public long Requests { get; init; }

    /// <summary>Requests that failed (HTTP errors, cut streams).</summary>
    public long Errors { get; init; }

    /// <summary>Uncached input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens (including reasoning).</summary>
    public long OutputTokens { get; init; }

    /// <summary>Cache read tokens.</summary>
    public long CacheReadTokens { get; init; }

    /// <summary>Cache write tokens.</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>
    /// Sum of the known costs in US dollars; 0 when there were no requests, null when there were some and none had a
    /// known price (as <see cref="UsageSummaryRow.Cost"/>).
    /// </summary>
    public decimal? Cost { get; init; }

    /// <summary>Events whose model had no known price (not included in <see cref="Cost"/>).</summary>
    public long UnpricedRequests { get; init; }

    /// <summary>Events with estimated numbers.</summary>
    public long EstimatedRequests { get; init; }
}
