// The live monitor: one notice per anomaly as it opens, none while it grows, and a bad settings file noticed once.
using Tokentap.Engine.Anomalies;
using static Tokentap.Engine.Tests.Anomalies.SessionEvents;

namespace Tokentap.Engine.Tests.Anomalies;

public sealed class AnomalyMonitorTests
{
    [Fact]
    public void An_opening_anomaly_raises_one_notice_and_growing_raises_none()
    {
        var notices = new List<string>();
        var monitor = new AnomalyMonitor(AnomalySettings.Default, Prices, notices.Add);
        const string same = "dddddddddddddddddddddddddddddddd";

        foreach (var seconds in new[] { 0, 1, 3 })
        {
            monitor.Observe(Call(seconds, 100, 0, 0, fingerprint: same));
        }

        Assert.Empty(notices);
        monitor.Observe(Call(7, 100, 0, 0, fingerprint: same));
        monitor.Observe(Call(15, 100, 0, 0, fingerprint: same));

        var notice = Assert.Single(notices);
        Assert.Equal(
            "Anomaly: RetryLoop in claude-code session cc-1: 4 identical messages requests in 7 s, 0 of them failed (last: 200); " +
            "request fingerprint dddddddddddd, about $0.009 extra. See Get-TokenUsageAnomaly.",
            notice);
        var current = Assert.Single(monitor.Current());
        Assert.Equal(5, current.Count);
    }

    [Fact]
    public void With_Block_an_open_retry_loop_is_held_by_its_fingerprint_until_a_window_passes_without_it()
    {
        var monitor = new AnomalyMonitor(AnomalySettings.Default with { RetryLoopAction = AnomalyAction.Block }, Prices, _ => { });
        const string same = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        foreach (var seconds in new[] { 0, 1, 3 })
        {
            monitor.Observe(Call(seconds, 100, 0, 0, fingerprint: same, status: 529, error: "overloaded"));
        }

        Assert.False(monitor.HoldsRetryLoops);
        Assert.Null(monitor.HeldRetryLoop(same, Start.AddSeconds(4)));

        monitor.Observe(Call(7, 100, 0, 0, fingerprint: same, status: 529, error: "overloaded"));

        Assert.True(monitor.HoldsRetryLoops);
        Assert.Equal(new RetryLoopHold(4, Start, Start.AddSeconds(7)), monitor.HeldRetryLoop(same, Start.AddSeconds(67)));
        Assert.Null(monitor.HeldRetryLoop("ffffffffffffffffffffffffffffffff", Start.AddSeconds(8)));

        // A refused repeat is recorded too and keeps the loop open; a minute without one lets the request through.
        monitor.Observe(Call(20, 0, 0, 0, output: 0, fingerprint: same, status: 400, error: "blocked by Tokentap"));
        Assert.Equal(new RetryLoopHold(5, Start, Start.AddSeconds(20)), monitor.HeldRetryLoop(same, Start.AddSeconds(80)));
        Assert.Null(monitor.HeldRetryLoop(same, Start.AddSeconds(80.5)));
        Assert.False(monitor.HoldsRetryLoops);
    }

    [Fact]
    public void With_Warn_no_retry_loop_is_held()
    {
        var monitor = new AnomalyMonitor(AnomalySettings.Default, Prices, _ => { });
        const string same = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        foreach (var seconds in new[] { 0, 1, 3, 7, 15 })
        {
            monitor.Observe(Call(seconds, 100, 0, 0, fingerprint: same, status: 529, error: "overloaded"));
        }

        Assert.Contains(monitor.Current(), a => a.Kind == TokenUsageAnomalyKind.RetryLoop && a.Count == 5);
        Assert.False(monitor.HoldsRetryLoops);
        Assert.Null(monitor.HeldRetryLoop(same, Start.AddSeconds(16)));
    }

    [Fact]
    public void A_bad_settings_file_is_noticed_and_the_defaults_apply()
    {
        var home = Path.Combine(Path.GetTempPath(), "tokentap-anomaly-monitor", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            File.WriteAllText(Path.Combine(home, "anomalies.json"), "{ \"retryLoop\": { \"count\": 0 } }");
            var notices = new List<string>();

            var monitor = AnomalyMonitor.Open(new TokentapPaths(home), Prices, notices.Add);

            Assert.Same(AnomalySettings.Default, monitor.Settings);
            Assert.Equal(
                $"{Path.Combine(home, "anomalies.json")} line 1: 'retryLoop.count' must be a whole number from 2 to 1000. " +
                "Live anomaly detection uses the default thresholds until the file is fixed.",
                Assert.Single(notices));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void A_failing_notice_target_never_escapes()
    {
        var monitor = new AnomalyMonitor(AnomalySettings.Default, Prices, _ => throw new InvalidOperationException("queue gone"));

        for (var i = 0; i < 6; i++)
        {
            monitor.Observe(Failure(i));
        }

        Assert.Equal(6, Assert.Single(monitor.Current()).Count);
    }
}
