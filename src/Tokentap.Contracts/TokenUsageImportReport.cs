// What Import-TokenUsage found in one agent's logs and did with it, with how far the logs were from the proxy.
namespace Tokentap;

/// <summary>
/// The outcome of importing one source's logs. Reconciliation: a logged request the proxy also captured (same request
/// or message id) is not added; the proxy's figures stay, and the two are compared on those
/// <see cref="MatchedRequests"/> (the Log*/Proxy* totals and the differences in percent).
/// </summary>
public sealed class TokenUsageImportReport
{
    /// <summary>Which logs: ClaudeCodeLog, CodexLog, GeminiLog.</summary>
    public UsageSource Source { get; init; }

    /// <summary>The folders searched.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>True when nothing was written (-WhatIf): the counts say what an import would do.</summary>
    public bool WhatIf { get; init; }

    /// <summary>True when the import was stopped (Ctrl+C) before it finished; the files done so far are checkpointed.</summary>
    public bool Stopped { get; init; }

    /// <summary>Log files found.</summary>
    public int Files { get; init; }

    /// <summary>Files with new lines since the last import (read); the rest were unchanged and skipped.</summary>
    public int FilesRead { get; init; }

    /// <summary>Files read again from the start because they were rewritten or truncated since the last import.</summary>
    public int FilesReread { get; init; }

    /// <summary>Files that could not be opened or vanished while being read (left for the next run).</summary>
    public int FilesUnreadable { get; init; }

    /// <summary>Billed calls found in the lines read.</summary>
    public long EventsFound { get; init; }

    /// <summary>Events added to the store.</summary>
    public long Added { get; init; }

    /// <summary>Logged calls the proxy had already captured live (not added; the proxy's figures stay).</summary>
    public long AlreadyCapturedLive { get; init; }

    /// <summary>
    /// Live events (among <see cref="AlreadyCapturedLive"/>) that got the log's conversation id, turn number and turn
    /// start written onto them; their figures stay the proxy's. Events already linked so are not counted again.
    /// </summary>
    public long LiveEventsLinked { get; init; }

    /// <summary>Logged calls already imported before (or repeated in the logs): skipped.</summary>
    public long DuplicatesSkipped { get; init; }

    /// <summary>Lines the reader did not understand (unknown or damaged), counted and skipped.</summary>
    public long SkippedLines { get; init; }

    /// <summary>Imported events flagged Estimated because the log's figures are known to be partial.</summary>
    public long Estimated { get; init; }

    /// <summary>Requests both the logs and the proxy saw (the comparison below is over these).</summary>
    public long MatchedRequests { get; init; }

    /// <summary>Uncached input tokens of the matched requests as the logs report them.</summary>
    public long LogInputTokens { get; init; }

    /// <summary>Uncached input tokens of the matched requests as the proxy captured them.</summary>
    public long ProxyInputTokens { get; init; }

    /// <summary>Output tokens of the matched requests as the logs report them.</summary>
    public long LogOutputTokens { get; init; }

    /// <summary>Output tokens of the matched requests as the proxy captured them.</summary>
    public long ProxyOutputTokens { get; init; }

    /// <summary>Cache read + cache write tokens of the matched requests as the logs report them.</summary>
    public long LogCacheTokens { get; init; }

    /// <summary>Cache read + cache write tokens of the matched requests as the proxy captured them.</summary>
    public long ProxyCacheTokens { get; init; }

    /// <summary>(log - proxy) / proxy input, in percent (negative: the logs under-count); null without matches.</summary>
    public double? InputDifferencePercent => Percent(LogInputTokens, ProxyInputTokens);

    /// <summary>(log - proxy) / proxy output, in percent; null without matches.</summary>
    public double? OutputDifferencePercent => Percent(LogOutputTokens, ProxyOutputTokens);

    /// <summary>(log - proxy) / proxy cache tokens, in percent; null without matches.</summary>
    public double? CacheDifferencePercent => Percent(LogCacheTokens, ProxyCacheTokens);

    /// <summary>One sentence on the logs against the proxy, e.g. "the logs under-counted input by 38 % on 412 requests".</summary>
    public string Comparison
    {
        get
        {
            if (MatchedRequests == 0)
            {
                return "no request was seen by both the logs and the proxy";
            }

            var parts = new List<string>();
            Describe(parts, "input", InputDifferencePercent);
            Describe(parts, "output", OutputDifferencePercent);
            Describe(parts, "cache", CacheDifferencePercent);
            var requests = MatchedRequests == 1 ? "1 request" : $"{MatchedRequests} requests";
            return parts.Count == 0
                ? $"the logs matched the proxy exactly on {requests}"
                : $"the logs {string.Join(", ", parts)} on {requests}";
        }
    }

    private static double? Percent(long log, long proxy) =>
        proxy == 0 ? (log == 0 ? 0 : null) : Math.Round((log - proxy) * 100.0 / proxy, 1);

    private static void Describe(List<string> parts, string name, double? percent)
    {
        if (percent is { } p && p != 0)
        {
            var magnitude = Math.Abs(p).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
            parts.Add($"{(p < 0 ? "under" : "over")}-counted {name} by {magnitude} %");
        }
    }
}
