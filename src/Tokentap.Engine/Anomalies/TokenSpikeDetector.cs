// Finds token spikes: a prompt far larger than the median prompt of the same session and model.
using System.Globalization;
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// Judges the whole prompt (<see cref="UsageEvent.ContextTokens"/>), not the uncached input: with prompt caching the
/// uncached part swings by orders of magnitude from one normal turn to the next, while the whole prompt is what grew.
/// Once a session and model has <see cref="AnomalySettings.TokenSpikeMinHistory"/> prompts, one above both
/// <see cref="AnomalySettings.TokenSpikeMultiplier"/> times their median and the median plus
/// <see cref="AnomalySettings.TokenSpikeMinExtraTokens"/> is a spike; its extra tokens are the part above the median,
/// priced as the request's own prompt scaled down to the median. Spiking requests in a row make one anomaly.
/// </summary>
internal sealed class TokenSpikeDetector(AnomalySettings settings, PriceTable? prices)
{
    private readonly PromptStreams<Stream> _streams = new(s => s.Last);

    public void Observe(UsageEvent e, string session, List<OpenAnomaly> opened)
    {
        if (_streams.For(e, session) is not { } stream)
        {
            return;
        }

        stream.Last = e.Timestamp;
        var history = stream.History;
        if (history.Count >= settings.TokenSpikeMinHistory)
        {
            var median = history.Median();
            var context = e.ContextTokens;
            if (context > median * settings.TokenSpikeMultiplier && context - median >= settings.TokenSpikeMinExtraTokens)
            {
                var open = stream.Open;
                if (open is null)
                {
                    open = new OpenAnomaly(TokenUsageAnomalyKind.TokenSpike, session, e);
                    stream.Open = open;
                    open.Facts = new SpikeFacts(median, history.Count);
                    opened.Add(open);
                }

                // Every request of a spike is measured against the median it opened with.
                var facts = (SpikeFacts)open.Facts!;
                var extra = (long)Math.Round(context - facts.Median);
                var scale = facts.Median / context;
                open.Count++;
                open.End = e.Timestamp;
                open.AddExtra(extra, CostDifference.Of(
                    prices, e, Scale(e.InputTokens, scale), Scale(e.CacheReadTokens, scale), Scale(e.CacheWriteTokens, scale), Scale(e.CacheWrite1hTokens, scale)));
                facts.Largest = Math.Max(facts.Largest, context);
            }
            else
            {
                stream.Open = null;
            }
        }

        history.Add(e.ContextTokens);
    }

    /// <summary>Drops the sessions whose last request is older than an instant.</summary>
    public void Forget(DateTime before) => _streams.Forget(before);

    private static long Scale(long tokens, double scale) => (long)Math.Round(tokens * scale);

    private sealed class Stream
    {
        public SlidingMedian History { get; } = new(AnomalySettings.SpikeHistory);

        public DateTime Last { get; set; }

        public OpenAnomaly? Open { get; set; }
    }

    // The median and history length the spike was judged against when it opened, and its largest prompt so far.
    private sealed class SpikeFacts(double median, int historyAtOpen) : AnomalyDetail
    {
        public double Median => median;

        public long Largest { get; set; }

        public override string Format(OpenAnomaly open) => string.Format(
            CultureInfo.InvariantCulture,
            "a prompt of {0:N0} tokens, {1:0.#} times the median of {2:N0} over this session's previous {3} {4} requests{5}",
            Largest, Largest / median, median, historyAtOpen, open.Model ?? "",
            open.Count == 1 ? "" : $"; {open.Count} such requests in a row");
    }
}
