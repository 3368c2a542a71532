// Live anomaly detection: fed every event this process captures, it raises a notice when an anomaly opens.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// The incremental detector behind the proxy. <see cref="Observe"/> runs on the observer workers as each event is
/// published: it takes a lock, feeds the detector, and hands a one-line notice for each anomaly that opened to the
/// runtime's notice queue, which the next cmdlet on the shell's own thread writes as a warning (nothing is written
/// from here). It never throws; state of sessions idle for two hours is dropped, so memory stays bounded.
/// </summary>
public sealed class AnomalyMonitor
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromHours(2);
    private const int ForgetEvery = 500;
    private readonly object _gate = new();
    private readonly AnomalyDetector _detector;
    private readonly Action<string> _notify;
    private readonly Dictionary<string, RetryLoopHold> _held = new(StringComparer.Ordinal);
    private int _heldCount;
    private int _sinceForget;
    private bool _failed;

    public AnomalyMonitor(AnomalySettings settings, PriceTable? prices, Action<string> notify)
    {
        Settings = settings;
        _detector = new AnomalyDetector(settings, prices);
        _notify = notify;
    }

    /// <summary>The thresholds in force.</summary>
    public AnomalySettings Settings { get; }

    /// <summary>
    /// A monitor with the data folder's anomalies.json; when the file is not valid, one with the defaults, and a notice
    /// saying so (recording never stops for a bad settings file).
    /// </summary>
    public static AnomalyMonitor Open(TokentapPaths paths, PriceTable? prices, Action<string> notify)
    {
        AnomalySettings settings;
        try
        {
            settings = AnomalySettingsFile.Load(paths);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            notify($"{ex.Message} Live anomaly detection uses the default thresholds until the file is fixed.");
            settings = AnomalySettings.Default;
        }

        return new AnomalyMonitor(settings, prices, notify);
    }

    /// <summary>Feeds one captured event. Never throws.</summary>
    public void Observe(UsageEvent usageEvent)
    {
        try
        {
            List<string>? notices = null;
            lock (_gate)
            {
                var opened = _detector.Observe(usageEvent);
                for (var i = 0; i < opened.Count; i++)
                {
                    (notices ??= new()).Add("Anomaly: " + opened[i].Describe() + ". See Get-TokenUsageAnomaly.");
                }

                if (Settings.RetryLoopAction == AnomalyAction.Block)
                {
                    Hold(usageEvent);
                }

                if (++_sinceForget >= ForgetEvery)
                {
                    _sinceForget = 0;
                    _detector.Forget(usageEvent.Timestamp - IdleAfter);
                }
            }

            if (notices is not null)
            {
                foreach (var notice in notices)
                {
                    _notify(notice);
                }
            }
        }
        catch (Exception ex)
        {
            if (!_failed)
            {
                _failed = true;
                SafeNotify($"Live anomaly detection failed on an event (it goes on with the next): {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>The anomalies found live that are still remembered (ended within the last two hours of traffic).</summary>
    public IReadOnlyList<TokenUsageAnomaly> Current()
    {
        lock (_gate)
        {
            return _detector.Found.Select(a => a.ToAnomaly()).ToList();
        }
    }

    /// <summary>True while some retry loop is held for the Block action (read without the lock: the gate's fast path).</summary>
    internal bool HoldsRetryLoops => Volatile.Read(ref _heldCount) > 0;

    /// <summary>
    /// The open retry loop of a fingerprint, when the Block action is set and a request of it started within the
    /// loop's window before <paramref name="nowUtc"/>; else null.
    /// </summary>
    internal RetryLoopHold? HeldRetryLoop(string fingerprint, DateTime nowUtc)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(fingerprint, out var hold))
            {
                return null;
            }

            if (nowUtc - hold.Last <= Settings.RetryLoopWindow)
            {
                return hold;
            }

            _held.Remove(fingerprint);
            Volatile.Write(ref _heldCount, _held.Count);
            return null;
        }
    }

    // Under the lock: keeps the loop the event belongs to (by fingerprint: the gate sees a request, not a session),
    // and drops loops that closed, so the table holds only loops retrying now.
    private void Hold(UsageEvent usageEvent)
    {
        if (_detector.OpenRetryLoop(usageEvent) is not { } loop)
        {
            return;
        }

        var closedBefore = usageEvent.Timestamp - Settings.RetryLoopWindow;
        foreach (var closed in _held.Where(p => p.Value.Last < closedBefore).Select(p => p.Key).ToList())
        {
            _held.Remove(closed);
        }

        var fingerprint = usageEvent.RequestFingerprint!;
        // The same request retried in two sessions: the later loop decides how long it is held.
        if (!_held.TryGetValue(fingerprint, out var other) || other.Last <= loop.End)
        {
            _held[fingerprint] = new RetryLoopHold(loop.Count, loop.Start, loop.End);
        }

        Volatile.Write(ref _heldCount, _held.Count);
    }

    private void SafeNotify(string message)
    {
        try
        {
            _notify(message);
        }
        catch (Exception)
        {
            // The notice queue is the only place to report to; losing one message must not end the proxy's thread.
        }
    }
}
