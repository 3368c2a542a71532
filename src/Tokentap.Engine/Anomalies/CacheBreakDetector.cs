// Finds cache breaks: after a run of cache hits, a request of the same session and model reads about nothing.
using System.Globalization;
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// Follows each session and model separately (Claude Code's small Haiku calls share its session id but never its
/// cache). A request breaks the cache when the run before it had at least <see cref="AnomalySettings.CacheBreakMinHits"/>
/// hits, it came within the cache's lifetime, its prompt did not shrink (a compacted conversation or a subagent's new
/// prompt is not a break), and it read less than <see cref="AnomalySettings.CacheBreakMissRatio"/> of the prefix the
/// previous request had cached (read or written). Its extra tokens are that prefix less what it did read: tokens paid
/// as input or cache writes that would have been cache reads. Further misses right after extend the same break.
/// </summary>
internal sealed class CacheBreakDetector(AnomalySettings settings, PriceTable? prices)
{
    private readonly PromptStreams<Stream> _streams = new(s => s.Last?.Timestamp ?? DateTime.MaxValue);

    public void Observe(UsageEvent e, string session, List<OpenAnomaly> opened)
    {
        if (_streams.For(e, session) is not { } stream)
        {
            return;
        }

        var last = stream.Last;
        stream.Last = e;
        if (e.CacheReadTokens >= settings.CacheBreakHitRatio * e.ContextTokens)
        {
            stream.Hits++;
            stream.Open = null;
            return;
        }

        var hits = stream.Hits;
        stream.Hits = 0;
        if (last is null)
        {
            return;
        }

        var ttl = last.CacheWrite1hTokens > 0 && settings.CacheTtl < TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : settings.CacheTtl;
        var cachedBefore = last.CacheReadTokens + last.CacheWriteTokens;
        var expected = Math.Min(e.ContextTokens, cachedBefore);
        var broken = e.Timestamp - last.Timestamp <= ttl
            && e.ContextTokens >= last.ContextTokens
            && expected >= settings.CacheBreakMinTokens
            && e.CacheReadTokens < settings.CacheBreakMissRatio * expected;
        if (!broken || (stream.Open is null && hits < settings.CacheBreakMinHits))
        {
            stream.Open = null;
            return;
        }

        var moved = expected - e.CacheReadTokens;
        var open = stream.Open;
        if (open is null)
        {
            open = new OpenAnomaly(TokenUsageAnomalyKind.CacheBreak, session, e);
            stream.Open = open;
            open.Facts = new BreakFacts(last.CacheReadTokens, hits);
            opened.Add(open);
        }

        open.End = e.Timestamp;
        open.Count++;
        open.AddExtra(moved, Cost(e, moved));
        ((BreakFacts)open.Facts!).CacheRead = e.CacheReadTokens;
    }

    /// <summary>Drops the sessions whose last request is older than an instant.</summary>
    public void Forget(DateTime before) => _streams.Forget(before);

    // Moves the missed tokens to cache reads: out of 5 minute cache writes first, then 1 hour writes, then input.
    private decimal? Cost(UsageEvent e, long moved)
    {
        var write5m = e.CacheWriteTokens - e.CacheWrite1hTokens;
        var from5m = Math.Min(moved, write5m);
        var from1h = Math.Min(moved - from5m, e.CacheWrite1hTokens);
        var fromInput = Math.Min(moved - from5m - from1h, e.InputTokens);
        return CostDifference.Of(
            prices, e, e.InputTokens - fromInput, e.CacheReadTokens + from5m + from1h + fromInput, e.CacheWriteTokens - from5m - from1h, e.CacheWrite1hTokens - from1h);
    }

    private sealed class Stream
    {
        public UsageEvent? Last { get; set; }

        public int Hits { get; set; }

        public OpenAnomaly? Open { get; set; }
    }

    // What the break fell from (the reads and the run of hits before it) and the reads of its latest request.
    private sealed class BreakFacts(long readBefore, int hitsBefore) : AnomalyDetail
    {
        public long CacheRead { get; set; }

        public override string Format(OpenAnomaly open) => string.Format(
            CultureInfo.InvariantCulture,
            "cache reads fell from {0:N0} to {1:N0} tokens after {2} cache {3}; {4:N0} tokens cached before were paid again at full price{5}",
            readBefore, CacheRead, hitsBefore, hitsBefore == 1 ? "hit" : "hits", open.ExtraTokens,
            open.Count == 1 ? "" : $" over {open.Count} requests");
    }
}
