// Finds retry loops: the same request (by fingerprint) sent again and again within a short time in one session.
using System.Globalization;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// Requests of a session with equal <see cref="UsageEvent.RequestFingerprint"/> (method, path and body) are one run:
/// <see cref="AnomalySettings.RetryLoopCount"/> of them within <see cref="AnomalySettings.RetryLoopWindow"/> are a loop.
/// The first request of the loop was needed; every repeat is extra (its tokens and cost, often zero for failures).
/// </summary>
internal sealed class RetryLoopDetector(AnomalySettings settings)
{
    private readonly Dictionary<(string Session, string Fingerprint), RepeatRun> _runs = new();

    public void Observe(UsageEvent e, string session, List<OpenAnomaly> opened)
    {
        if (e.RequestFingerprint is not { } fingerprint)
        {
            return;
        }

        var key = (session, fingerprint);
        if (!_runs.TryGetValue(key, out var run))
        {
            run = new RepeatRun();
            _runs[key] = run;
        }

        if (run.Add(e, TokenUsageAnomalyKind.RetryLoop, session, settings.RetryLoopCount, settings.RetryLoopWindow, out var isNew) is not { } open)
        {
            return;
        }

        if (isNew)
        {
            opened.Add(open);
            open.Facts = new LoopFacts(fingerprint);
        }

        var facts = (LoopFacts)open.Facts!;
        facts.Endpoint = e.Endpoint;
        facts.Failed = run.Failed;
        facts.Status = e.StatusCode;
    }

    /// <summary>The retry loop a session's fingerprint is in, while it is open; else null.</summary>
    public OpenAnomaly? OpenLoop(string session, string fingerprint) =>
        _runs.TryGetValue((session, fingerprint), out var run) ? run.Open : null;

    /// <summary>Drops the runs whose last request is older than an instant.</summary>
    public void Forget(DateTime before) => RepeatRun.ForgetOlder(_runs, before);

    // The loop's latest request: its endpoint and status, and how many of the loop's requests failed by then.
    private sealed class LoopFacts(string fingerprint) : AnomalyDetail
    {
        public string? Endpoint { get; set; }

        public int Failed { get; set; }

        public int Status { get; set; }

        public override string Format(OpenAnomaly open)
        {
            var status = Status == 0 ? "no response" : Status.ToString(CultureInfo.InvariantCulture);
            return string.Format(
                CultureInfo.InvariantCulture,
                "{0} identical {1} requests in {2:0.#} s, {3} of them failed (last: {4}); request fingerprint {5}",
                open.Count, string.IsNullOrEmpty(Endpoint) ? "API" : Endpoint, (open.End - open.Start).TotalSeconds, Failed, status, fingerprint[..12]);
        }
    }
}
