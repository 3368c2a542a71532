// Runs the four detectors over events in time order, per client session; the same code serves history and live use.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// Feeds each event to the cache-break, retry-loop, token-spike and error-burst detectors under its
/// <see cref="SessionKey"/>. Not thread-safe: one caller feeds it (the live <see cref="AnomalyMonitor"/> locks).
/// </summary>
internal sealed class AnomalyDetector
{
    private readonly AnomalySettings _settings;
    private readonly CacheBreakDetector _cacheBreaks;
    private readonly RetryLoopDetector _retryLoops;
    private readonly TokenSpikeDetector _tokenSpikes;
    private readonly ErrorBurstDetector _errorBursts;
    private readonly List<OpenAnomaly> _found = new();

    public AnomalyDetector(AnomalySettings settings, PriceTable? prices)
    {
        _settings = settings;
        _cacheBreaks = new CacheBreakDetector(settings, prices);
        _retryLoops = new RetryLoopDetector(settings);
        _tokenSpikes = new TokenSpikeDetector(settings, prices);
        _errorBursts = new ErrorBurstDetector(settings);
    }

    /// <summary>Every anomaly found so far, in the order found (they go on growing while open).</summary>
    public IReadOnlyList<OpenAnomaly> Found => _found;

    /// <summary>The anomalies among events, in order of their start, as they stand after the last event.</summary>
    public static IReadOnlyList<TokenUsageAnomaly> Detect(IEnumerable<UsageEvent> events, AnomalySettings settings, PriceTable? prices)
    {
        var detector = new AnomalyDetector(settings, prices);
        foreach (var usageEvent in events.OrderBy(e => e.Timestamp))
        {
            detector.Observe(usageEvent);
        }

        return detector.Found.Select(a => a.ToAnomaly()).OrderBy(a => a.Start).ThenBy(a => a.Kind).ToList();
    }

    /// <summary>Feeds one event; returns the anomalies it opened (empty when it only extended some or none).</summary>
    public IReadOnlyList<OpenAnomaly> Observe(UsageEvent usageEvent)
    {
        var opened = new List<OpenAnomaly>(0);
        var session = SessionKey.Of(usageEvent);
        if (_settings.CacheBreakEnabled)
        {
            _cacheBreaks.Observe(usageEvent, session, opened);
        }

        if (_settings.RetryLoopEnabled)
        {
            _retryLoops.Observe(usageEvent, session, opened);
        }

        if (_settings.TokenSpikeEnabled)
        {
            _tokenSpikes.Observe(usageEvent, session, opened);
        }

        if (_settings.ErrorBurstEnabled)
        {
            _errorBursts.Observe(usageEvent, session, opened);
        }

        _found.AddRange(opened);
        return opened;
    }

    /// <summary>The open retry loop an event (already observed) belongs to, else null.</summary>
    public OpenAnomaly? OpenRetryLoop(UsageEvent usageEvent) =>
        _settings.RetryLoopEnabled && usageEvent.RequestFingerprint is { } fingerprint
            ? _retryLoops.OpenLoop(SessionKey.Of(usageEvent), fingerprint)
            : null;

    /// <summary>Drops the state of sessions idle since an instant, and the anomalies that ended before it.</summary>
    public void Forget(DateTime before)
    {
        _cacheBreaks.Forget(before);
        _retryLoops.Forget(before);
        _tokenSpikes.Forget(before);
        _errorBursts.Forget(before);
        _found.RemoveAll(a => a.End < before);
    }
}
