// The live view's numbers: KPIs, burn rate, series, per-model rows, gauges and warnings from seeded events, and
// incremental refreshes that always equal a fresh load at the same moment.
using System.Diagnostics;
using System.Text.Json;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Registry;
using Tokentap.Engine.Tests.Usage;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Live;

public sealed class SnapshotBuilderTests : IDisposable
{
    private static readonly PriceTable Prices = PriceTable.Embedded();
    private readonly TempStore _temp = new();
    private readonly ManualTimeProvider _clock = new(LiveEvents.Now, LiveEvents.Zone);

    private TokentapPaths Paths => new(_temp.Folder);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Last_hour_kpis_burn_rate_and_ratios_are_exact()
    {
        _temp.Store.Write(LiveEvents.All);

        var snapshot = Load(TokenUsageWindow.LastHour);

        Assert.Equal(LiveEvents.Now, snapshot.Time);
        Assert.Equal(new DateTime(2026, 3, 10, 11, 35, 0, DateTimeKind.Utc), snapshot.WindowStart);
        Assert.Equal(6, snapshot.Requests);
        Assert.Equal(1, snapshot.Errors);
        Assert.Equal(3160, snapshot.InputTokens);
        Assert.Equal(22000, snapshot.CacheReadTokens);
        Assert.Equal(900, snapshot.CacheWriteTokens);
        Assert.Equal(1705, snapshot.OutputTokens);
        Assert.Equal(27765, snapshot.TotalTokens);
        Assert.Equal(0.1060m, snapshot.Cost);
        Assert.Equal(1, snapshot.UnpricedRequests);
        Assert.Equal(1, snapshot.EstimatedRequests);
        Assert.Equal(1.0 / 6, snapshot.ErrorRate);
        Assert.Equal(22000.0 / 26060, snapshot.CacheHitRatio);

        // The last 15 minutes (from 12:19:30): A3, A4, A5 and A6.
        Assert.Equal(0.104m, snapshot.CostPerHour);
        Assert.Equal(4915 / 15.0, snapshot.TokensPerMinute, 9);
    }

    [Fact]
    public void Series_has_one_point_per_minute_with_each_event_in_its_minute()
    {
        _temp.Store.Write(LiveEvents.All);

        var snapshot = Load(TokenUsageWindow.LastHour);

        Assert.Equal(TimeSpan.FromMinutes(1), snapshot.SeriesInterval);
        Assert.Equal(60, snapshot.Series.Count);
        Assert.Equal(new DateTime(2026, 3, 10, 11, 35, 0, DateTimeKind.Utc), snapshot.Series[0].Start);
        Assert.Equal(new DateTime(2026, 3, 10, 12, 34, 0, DateTimeKind.Utc), snapshot.Series[^1].Start);
        var busy = snapshot.Series.Where(p => p.Requests > 0).ToList();
        Assert.Equal([9, 39, 49, 54, 56, 57], busy.Select(p => (int)(p.Start - snapshot.Series[0].Start).TotalMinutes));
        Assert.Equal([0.05m, 0.03m, 0.02m, 0m, 0m, 0.006m], busy.Select(p => p.Cost));
        Assert.Equal([10500, 12350, 3700, 0, 15, 1200], busy.Select(p => p.Tokens));
        Assert.Equal(snapshot.Cost, snapshot.Series.Sum(p => p.Cost));
    }

    [Fact]
    public void Model_rows_are_ordered_by_cost_with_ratios_and_shares()
    {
        _temp.Store.Write(LiveEvents.All);

        var models = Load(TokenUsageWindow.LastHour).Models;

        Assert.Equal(["claude-sonnet-4-5", "gpt-5", "mystery-model", "claude-haiku-4-5"], models.Select(m => m.Model));
        var sonnet = models[0];
        Assert.Equal("anthropic", sonnet.Provider);
        Assert.Equal(3, sonnet.Requests);
        Assert.Equal(1150, sonnet.InputTokens);
        Assert.Equal(21000, sonnet.CacheReadTokens);
        Assert.Equal(900, sonnet.CacheWriteTokens);
        Assert.Equal(1000, sonnet.OutputTokens);
        Assert.Equal(21000.0 / 23050, sonnet.CacheHitRatio);
        Assert.Equal(0.086m, sonnet.Cost);
        Assert.Equal(1, sonnet.EstimatedRequests);
        Assert.Equal((double)(0.086m / 0.106m), sonnet.CostShare);
        Assert.Equal((double)(0.02m / 0.106m), models[1].CostShare);
        var mystery = models[2];
        Assert.Null(mystery.Cost);
        Assert.Equal(1, mystery.UnpricedRequests);
        Assert.Equal(0, mystery.CostShare);
        var haiku = models[3];
        Assert.Equal(1, haiku.Errors);
        Assert.Equal(0m, haiku.Cost);
    }

    [Fact]
    public void Recent_requests_gauges_and_warnings()
    {
        _temp.Store.Write(LiveEvents.All);

        var snapshot = Load(TokenUsageWindow.LastHour, recent: 3);

        Assert.Equal(["live-6", "live-5", "live-4"], snapshot.RecentRequests.Select(e => e.RequestId));
        Assert.Equal("live-4", snapshot.LastFailedRequest?.RequestId);

        // Active in the last 30 minutes; cs-2's only request failed without tokens, so it has no gauge.
        Assert.Equal(["cs-1", "s-x", "run-1"], snapshot.Contexts.Select(c => c.Session));
        var cs1 = snapshot.Contexts[0];
        Assert.Equal(("claude-code", "claude-sonnet-4-5", 1000L, (long?)200_000, (double?)0.005), (cs1.App, cs1.Model, cs1.ContextTokens, cs1.ContextWindow, cs1.Fraction));
        Assert.Equal((3000L, (long?)400_000, (double?)(3000 / 400_000.0)), (snapshot.Contexts[2].ContextTokens, snapshot.Contexts[2].ContextWindow, snapshot.Contexts[2].Fraction));
        Assert.Null(snapshot.Contexts[1].ContextWindow);
        Assert.Null(snapshot.Contexts[1].Fraction);

        Assert.Equal(2, snapshot.Limits.Count);
        var (fiveHour, sevenDay) = (snapshot.Limits[0], snapshot.Limits[1]);
        Assert.Equal(("5h", 0.42, LiveEvents.FiveHourReset, "allowed", false), (fiveHour.Name, fiveHour.Utilization, fiveHour.ResetsAt!.Value, fiveHour.Status, fiveHour.Expired));
        Assert.Equal(LiveEvents.A2.Timestamp, fiveHour.ObservedAt);
        Assert.Equal(("7d", 0.11, LiveEvents.SevenDayReset), (sevenDay.Name, sevenDay.Utilization, sevenDay.ResetsAt!.Value));

        Assert.Equal(["mystery-model"], snapshot.UnpricedModels);
        Assert.Equal(
            [
                "1 failed request (16.7%); last 14:29 claude-code 429: rate limited",
                "1 request with unknown price (mystery-model): not in the cost",
                "1 request with estimated token counts",
            ],
            snapshot.Warnings);
    }

    [Theory]
    [InlineData(TokenUsageWindow.Last5Minutes, 2, "0.006", "2026-03-10T12:30:00")]
    [InlineData(TokenUsageWindow.Last15Minutes, 4, "0.026", "2026-03-10T12:20:00")]
    [InlineData(TokenUsageWindow.LastHour, 6, "0.106", "2026-03-10T11:35:00")]
    [InlineData(TokenUsageWindow.Today, 7, "1.106", "2026-03-09T22:00:00")]
    [InlineData(TokenUsageWindow.Last24Hours, 7, "1.106", "2026-03-09T13:00:00")]
    [InlineData(TokenUsageWindow.Last7Days, 8, "3.106", "2026-03-03T13:00:00")]
    [InlineData(TokenUsageWindow.Last30Days, 8, "3.106", "2026-02-08T18:00:00")]
    [InlineData(TokenUsageWindow.All, 8, "3.106", "2026-03-08T00:00:00")]
    public void Each_window_covers_its_span(TokenUsageWindow window, long requests, string cost, string start)
    {
        _temp.Store.Write(LiveEvents.All);

        var snapshot = Load(window);

        Assert.Equal(requests, snapshot.Requests);
        Assert.Equal(decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture), snapshot.Cost);
        Assert.Equal(DateTime.Parse(start, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal), snapshot.WindowStart);
        Assert.Equal(snapshot.Cost, snapshot.Series.Sum(p => p.Cost));
        Assert.Equal(snapshot.Requests, snapshot.Series.Sum(p => p.Requests));
        // The burn rate does not depend on the window.
        Assert.Equal(0.104m, snapshot.CostPerHour);
    }

    [Fact]
    public void Today_steps_by_local_hour_and_counts_the_rolled_up_morning()
    {
        _temp.Store.Write(LiveEvents.All);

        var snapshot = Load(TokenUsageWindow.Today);

        Assert.Equal(24, snapshot.Series.Count);
        Assert.Equal(TimeSpan.FromHours(1), snapshot.SeriesInterval);
        // Old at 09:34:30 UTC = 11:34 local, the 12th hour of the local day; the last hour's events at 11:44 and 12:xx UTC.
        Assert.Equal(1m, snapshot.Series[11].Cost);
        Assert.Equal(0.05m, snapshot.Series[13].Cost);
        Assert.Equal(0.056m, snapshot.Series[14].Cost);
        Assert.Equal(["claude-sonnet-4-5", "gpt-5", "mystery-model", "claude-haiku-4-5"], snapshot.Models.Select(m => m.Model));
        Assert.Equal(1.086m, snapshot.Models[0].Cost);
        Assert.Equal(4, snapshot.Models[0].Requests);
    }

    [Fact]
    public void Tail_updates_equal_a_fresh_load_in_every_window()
    {
        _temp.Store.Write([LiveEvents.Older, LiveEvents.Old, LiveEvents.A1, LiveEvents.A2]);
        var builders = Enum.GetValues<TokenUsageWindow>().Select(w => Builder(w, recent: 3)).ToList();
        builders.ForEach(b => b.Refresh());

        // New events, one stamped three days ago (a late import) and one in the current minute.
        _temp.Store.Write([LiveEvents.A3, LiveEvents.A4]);
        _temp.Store.Write([LiveEvents.Make(20, -3 * 24 * 60, "openai", "gpt-5", "codex", null, "late", 5, 0, 0, 5, 0.5m), LiveEvents.A5, LiveEvents.A6]);
        _clock.Advance(TimeSpan.FromSeconds(20));
        _temp.Store.Write([LiveEvents.Make(21, 0.25, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-1", null, 7, 70_000, 0, 9, 0.0400m, limits: (0.5, 0.2))]);

        foreach (var builder in builders)
        {
            Assert.True(builder.Refresh());
            AssertSameAsFreshLoad(builder, recent: 3);
        }
    }

    [Fact]
    public void Sliding_drops_old_steps_expires_limits_and_equals_a_fresh_load()
    {
        _temp.Store.Write(LiveEvents.All);
        var builders = Enum.GetValues<TokenUsageWindow>().Select(w => Builder(w, recent: 10)).ToList();
        builders.ForEach(b => b.Refresh());

        // 12:34:30 -> 15:04:30: the last hour now starts at 14:05, the 5-hour limit reset at 15:00.
        _clock.Advance(TimeSpan.FromMinutes(150));
        foreach (var builder in builders)
        {
            Assert.True(builder.Refresh());
            AssertSameAsFreshLoad(builder, recent: 10);
        }

        var lastHour = builders[1].Snapshot;
        Assert.Equal(0, lastHour.Requests);
        Assert.Empty(lastHour.RecentRequests);
        Assert.Null(lastHour.LastFailedRequest);
        Assert.Empty(lastHour.Contexts);
        Assert.Equal(0m, lastHour.CostPerHour);
        Assert.True(lastHour.Limits[0].Expired);
        Assert.False(lastHour.Limits[1].Expired);
        Assert.Empty(lastHour.Warnings);
    }

    [Fact]
    public async Task Loads_during_an_import_of_old_events_count_each_event_once()
    {
        _temp.Store.Write(LiveEvents.All);
        using var stop = new CancellationTokenSource();
        var written = 0;
        var importer = Task.Run(() =>
        {
            // Events stamped inside the hours the 7-day load takes from rollups, stored while those loads run.
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                _temp.Store.Write(Enumerable.Range(0, 20)
                    .Select(i => LiveEvents.Make(1000 + batch * 20 + i, -(3 * 24 * 60) + i, "openai", "gpt-5", "codex", null, "import", 1, 0, 0, 1, 0.001m))
                    .ToList());
                written += 20;
            }
        });

        var builders = new List<SnapshotBuilder>();
        var deadline = DateTime.UtcNow.AddSeconds(1.5);
        while (DateTime.UtcNow < deadline)
        {
            var builder = Builder(TokenUsageWindow.Last7Days);
            builder.Refresh();
            builders.Add(builder);
        }

        stop.Cancel();
        await importer;
        Assert.True(written >= 40, $"the importer wrote {written} events");
        foreach (var builder in builders)
        {
            builder.Refresh();
            AssertSameAsFreshLoad(builder, recent: 20);
        }

        Assert.Equal(8 + written, builders[^1].Snapshot.Requests);
    }

    [Fact]
    public void Refresh_reports_a_change_only_when_what_is_shown_changed()
    {
        _temp.Store.Write([LiveEvents.A5]);
        var builder = Builder(TokenUsageWindow.Today);
        Assert.True(builder.Refresh());

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False(builder.Refresh());

        // An event another filter would show still moves the tail position but changes nothing there.
        _temp.Store.Write([LiveEvents.A3]);
        var curlOnly = Builder(TokenUsageWindow.Today, filter: new UsageFilter { App = ["curl"] });
        Assert.True(curlOnly.Refresh());
        Assert.False(curlOnly.Refresh());
        Assert.True(builder.Refresh());

        // At 12:39:00 nothing moved; at 12:40:00 A3 (12:24:30) left the burn period; at 12:47:00 A5 (12:31:30) did.
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(builder.Refresh());
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(builder.Refresh());
        Assert.Equal((0m, 1.0), (builder.Snapshot.CostPerHour, builder.Snapshot.TokensPerMinute));
        _clock.Advance(TimeSpan.FromMinutes(7));
        Assert.True(builder.Refresh());
        Assert.Equal(0, builder.Snapshot.TokensPerMinute);
        Assert.Equal(2, builder.Snapshot.Requests);
    }

    [Fact]
    public void Cycling_windows_reloads_and_equals_a_builder_made_for_that_window()
    {
        _temp.Store.Write(LiveEvents.All);
        var builder = Builder(TokenUsageWindow.Last15Minutes);
        builder.Refresh();

        var seen = new List<TokenUsageWindow> { builder.Window };
        for (var i = 0; i < 8; i++)
        {
            builder.Window = LiveWindows.Next(builder.Window);
            Assert.True(builder.Refresh());
            seen.Add(builder.Window);
            AssertSameAsFreshLoad(builder, recent: 20);
        }

        Assert.Equal(
            [
                TokenUsageWindow.Last15Minutes, TokenUsageWindow.LastHour, TokenUsageWindow.Today, TokenUsageWindow.Last24Hours, TokenUsageWindow.Last7Days,
                TokenUsageWindow.Last30Days, TokenUsageWindow.All, TokenUsageWindow.Last5Minutes, TokenUsageWindow.Last15Minutes,
            ],
            seen);
    }

    [Fact]
    public void Filters_apply_everywhere_and_since_shortens_the_window_and_burn_period()
    {
        _temp.Store.Write(LiveEvents.All);
        var since = LiveEvents.Now.AddMinutes(-6);
        var filter = new UsageFilter { Since = since, App = ["claude-*", "curl"] };

        var snapshot = Load(TokenUsageWindow.Last7Days, filter);

        // A4, A5 and A6 are after Since and match the apps; A3 (codex) does not.
        Assert.Equal(since, snapshot.WindowStart);
        Assert.Equal(3, snapshot.Requests);
        Assert.Equal(0.006m, snapshot.Cost);
        Assert.Equal(0.006m * 10, snapshot.CostPerHour);
        Assert.Equal(1215 / 6.0, snapshot.TokensPerMinute, 9);
        Assert.Equal(["live-6", "live-5", "live-4"], snapshot.RecentRequests.Select(e => e.RequestId));
        // The limit readings came before Since.
        Assert.Empty(snapshot.Limits);
        Assert.Equal(["cs-1", "s-x"], snapshot.Contexts.Select(c => c.Session));

        var sonnetOnly = Load(TokenUsageWindow.Last7Days, new UsageFilter { Model = ["claude-sonnet*"] });
        Assert.Equal(4, sonnetOnly.Requests);
        Assert.Equal(1.086m, sonnetOnly.Cost);
        Assert.Equal(["1 request with estimated token counts"], sonnetOnly.Warnings);
    }

    [Fact]
    public void Proxy_state_follows_the_run_registry()
    {
        var builder = Builder(TokenUsageWindow.LastHour);
        builder.Refresh();
        Assert.Equal((TokentapProxyState.NotRunning, 0, 0), (builder.Snapshot.ProxyState, builder.Snapshot.ProxyPort, builder.Snapshot.ProxyProcessId));

        using var other = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            using (ProxyRegistry.Register(Paths, new RunningProxy(other.Id, 8200, "elsewhere", DateTime.UtcNow)))
            {
                Assert.True(builder.Refresh());
                Assert.Equal((TokentapProxyState.RunningElsewhere, 8200, other.Id), (builder.Snapshot.ProxyState, builder.Snapshot.ProxyPort, builder.Snapshot.ProxyProcessId));

                using (ProxyRegistry.Register(Paths, new RunningProxy(Environment.ProcessId, 8123, "here", DateTime.UtcNow)))
                {
                    Assert.True(builder.Refresh());
                    Assert.Equal((TokentapProxyState.RunningHere, 8123), (builder.Snapshot.ProxyState, builder.Snapshot.ProxyPort));
                    Assert.False(builder.Refresh());
                }
            }

            Assert.True(builder.Refresh());
            Assert.Equal(TokentapProxyState.NotRunning, builder.Snapshot.ProxyState);
        }
        finally
        {
            other.Kill();
            other.WaitForExit();
        }
    }

    [Fact]
    public void A_snapshot_needs_a_refresh_first()
    {
        var builder = Builder(TokenUsageWindow.LastHour);

        Assert.Throws<InvalidOperationException>(() => builder.Snapshot);
    }

    [Fact]
    public void Anomalies_of_the_last_half_hour_are_in_the_snapshot_newest_first()
    {
        // Five 529s of one Claude Code session 10 minutes ago, and five more 40 minutes ago (outside the half hour).
        var burst = Enumerable.Range(0, 5).Select(i => LiveEvents.Make(100 + i, -10 + i / 60.0, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-9", null, 0, 0, 0, 0, 0m, status: 529, error: "overloaded"));
        var older = Enumerable.Range(0, 5).Select(i => LiveEvents.Make(200 + i, -40 + i / 60.0, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-8", null, 0, 0, 0, 0, 0m, status: 529, error: "overloaded"));
        _temp.Store.Write([.. LiveEvents.All, .. burst, .. older]);

        var anomaly = Assert.Single(Load(TokenUsageWindow.LastHour).Anomalies);

        Assert.Equal(TokenUsageAnomalyKind.ErrorBurst, anomaly.Kind);
        Assert.Equal("cs-9", anomaly.Session);
        Assert.Equal(5, anomaly.Count);
        Assert.Equal(LiveEvents.Now.AddMinutes(-10), anomaly.Start);
        Assert.Equal("5 failed requests in 4 s (529 x5); last: overloaded", anomaly.Detail);
    }

    [Fact]
    public void A_bad_anomalies_file_is_a_warning_and_the_defaults_apply()
    {
        File.WriteAllText(Path.Combine(_temp.Folder, "anomalies.json"), "{ \"errorBurst\": { \"count\": 1 } }");
        _temp.Store.Write(LiveEvents.All);

        var snapshot = Load(TokenUsageWindow.LastHour);

        Assert.Equal(
            $"{Path.Combine(_temp.Folder, "anomalies.json")} line 1: 'errorBurst.count' must be a whole number from 2 to 1000. Default anomaly thresholds apply.",
            snapshot.Warnings[^1]);
        Assert.Empty(snapshot.Anomalies);
    }

    private SnapshotBuilder Builder(TokenUsageWindow window, int recent = 20, UsageFilter? filter = null) =>
        new(_temp.Store, Prices, Paths, new SnapshotOptions { Window = window, RecentRequests = recent, Filter = filter ?? UsageFilter.All }, _clock);

    private TokenUsageSnapshot Load(TokenUsageWindow window, UsageFilter? filter = null, int recent = 20)
    {
        var builder = Builder(window, recent, filter);
        Assert.True(builder.Refresh());
        return builder.Snapshot;
    }

    private void AssertSameAsFreshLoad(SnapshotBuilder builder, int recent)
    {
        var fresh = Load(builder.Window, recent: recent);
        Assert.Equal(JsonSerializer.Serialize(fresh), JsonSerializer.Serialize(builder.Snapshot));
    }
}
