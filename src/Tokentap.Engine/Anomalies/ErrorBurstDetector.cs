// Finds error bursts: many failed requests of one session within a short time.
using System.Globalization;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// Failed requests (<see cref="UsageEvent.IsSuccess"/> false) of a session: <see cref="AnomalySettings.ErrorBurstCount"/>
/// of them within <see cref="AnomalySettings.ErrorBurstWindow"/> are a burst. Every failure after the first is extra
/// (usually no tokens: most failures are not billed).
/// </summary>
internal sealed class ErrorBurstDetector(AnomalySettings settings)
{
    private const int MaxErrorText = 80;
    private readonly Dictionary<string, RepeatRun> _runs = new(StringComparer.Ordinal);

    public void Observe(UsageEvent e, string session, List<OpenAnomaly> opened)
    {
        if (e.IsSuccess)
        {
            return;
        }

        if (!_runs.TryGetValue(session, out var run))
        {
            run = new RepeatRun();
            _runs[session] = run;
        }

        if (run.Add(e, TokenUsageAnomalyKind.ErrorBurst, session, settings.ErrorBurstCount, settings.ErrorBurstWindow, out var isNew) is not { } open)
        {
            return;
        }

        if (isNew)
        {
            opened.Add(open);
            open.Facts = new BurstFacts(run.Statuses);
        }

        ((BurstFacts)open.Facts!).Error = e.Error;
    }

    /// <summary>Drops the sessions whose last failure is older than an instant.</summary>
    public void Forget(DateTime before) => RepeatRun.ForgetOlder(_runs, before);

    // The burst's statuses (the run's counts, which it keeps for this burst alone) and the error of its latest request.
    private sealed class BurstFacts(IReadOnlyDictionary<int, int> statuses) : AnomalyDetail
    {
        public string? Error { get; set; }

        public override string Format(OpenAnomaly open)
        {
            var counts = string.Join(", ", statuses
                .OrderByDescending(p => p.Value).ThenBy(p => p.Key)
                .Select(p => string.Format(CultureInfo.InvariantCulture, "{0} x{1}", p.Key == 0 ? "no response" : p.Key.ToString(CultureInfo.InvariantCulture), p.Value)));
            var text = (Error ?? "error status").ReplaceLineEndings(" ");
            return string.Format(
                CultureInfo.InvariantCulture,
                "{0} failed requests in {1:0.#} s ({2}); last: {3}",
                open.Count, (open.End - open.Start).TotalSeconds, counts, text.Length <= MaxErrorText ? text : text[..(MaxErrorText - 1)] + "…");
        }
    }
}
