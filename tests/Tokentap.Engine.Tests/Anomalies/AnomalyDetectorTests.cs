// The four detectors on synthetic sessions with exact figures, their thresholds, and a normal session that finds nothing.
using Tokentap.Engine.Anomalies;
using static Tokentap.Engine.Tests.Anomalies.SessionEvents;

namespace Tokentap.Engine.Tests.Anomalies;

public sealed class AnomalyDetectorTests
{
    private static IReadOnlyList<TokenUsageAnomaly> Detect(IEnumerable<UsageEvent> events, AnomalySettings? settings = null) =>
        AnomalyDetector.Detect(events, settings ?? AnomalySettings.Default, Prices);

    /// <summary>
    /// What Claude Code does in a normal session: the first turn writes the cache, later turns read it and write what
    /// the turn added; a big tool result grows the prompt 3x; Haiku side calls under the same session id never read a
    /// cache; a subagent starts its own smaller prompt; one 529 is retried once with the same body; a 10 minute pause
    /// lets the cache expire.
    /// </summary>
    public static List<UsageEvent> NormalClaudeCodeSession()
    {
        var events = new List<UsageEvent>
        {
            Call(0, 3, 0, 18_000, session: "cc-n"),
            Call(2, 600, 0, 0, output: 20, session: "cc-n", model: Haiku),
            Call(30, 5, 18_000, 1_200, session: "cc-n"),
            Call(60, 2, 19_200, 4_000, session: "cc-n"),
            Call(65, 900, 0, 0, output: 12, session: "cc-n", model: Haiku),
            Call(90, 8, 23_200, 600, session: "cc-n"),
            Call(120, 4, 23_800, 38_000, session: "cc-n"),
            Call(150, 6, 0, 9_000, session: "cc-n"),
            Call(170, 3, 9_000, 700, session: "cc-n"),
            Call(200, 5, 61_800, 900, session: "cc-n"),
            Failure(230, session: "cc-n", fingerprint: "11111111111111111111111111111111"),
            Call(231, 5, 62_700, 300, session: "cc-n", fingerprint: "11111111111111111111111111111111"),
            Call(260, 1_500, 63_000, 2_000, session: "cc-n"),
            Call(900, 6, 0, 66_600, session: "cc-n"),
            Call(930, 4, 66_600, 800, session: "cc-n"),
        };
        return events;
    }

    [Fact]
    public void A_normal_Claude_Code_session_has_no_anomaly()
    {
        Assert.Empty(Detect(NormalClaudeCodeSession()));
    }

    [Fact]
    public void A_cache_break_reports_the_prefix_paid_again_and_its_price()
    {
        var events = new[]
        {
            Call(0, 10, 0, 20_000),
            Call(30, 10, 20_000, 1_000),
            Call(60, 10, 21_000, 1_000),
            Call(90, 10, 0, 23_000),
            Call(120, 10, 23_000, 500),
        };

        var anomaly = Assert.Single(Detect(events));

        Assert.Equal(TokenUsageAnomalyKind.CacheBreak, anomaly.Kind);
        Assert.Equal("cc-1", anomaly.Session);
        Assert.Equal("claude-code", anomaly.App);
        Assert.Equal(Opus, anomaly.Model);
        Assert.Equal("tt-1", anomaly.TokentapSession);
        Assert.Equal(Start.AddSeconds(90), anomaly.Start);
        Assert.Equal(Start.AddSeconds(90), anomaly.End);
        Assert.Equal(1, anomaly.Count);
        Assert.Equal(22_000, anomaly.ExtraTokens);
        // 22,000 tokens written to the cache at $6.25 instead of read at $0.50 per million.
        Assert.Equal(0.1265m, anomaly.ExtraCost);
        Assert.Equal("cache reads fell from 21,000 to 0 tokens after 2 cache hits; 22,000 tokens cached before were paid again at full price", anomaly.Detail);
    }

    [Fact]
    public void Misses_right_after_a_break_extend_it()
    {
        var events = new[]
        {
            Call(0, 10, 0, 20_000),
            Call(30, 10, 20_000, 1_000),
            Call(60, 10, 21_000, 1_000),
            Call(90, 10, 0, 23_000),
            Call(120, 10, 0, 24_000),
            Call(150, 10, 24_000, 100),
        };

        var anomaly = Assert.Single(Detect(events));

        Assert.Equal(2, anomaly.Count);
        Assert.Equal(Start.AddSeconds(120), anomaly.End);
        Assert.Equal(22_000 + 23_000, anomaly.ExtraTokens);
        Assert.Equal(0.25875m, anomaly.ExtraCost);
        Assert.EndsWith("paid again at full price over 2 requests", anomaly.Detail);
    }

    [Fact]
    public void A_break_needs_the_configured_run_of_hits_and_the_cache_lifetime()
    {
        var events = new[]
        {
            Call(0, 10, 0, 20_000),
            Call(30, 10, 20_000, 1_000),
            Call(60, 10, 21_000, 1_000),
            Call(90, 10, 0, 23_000),
        };
        Assert.Empty(Detect(events, AnomalySettings.Default with { CacheBreakMinHits = 3 }));

        var afterPause = events.Take(3).Append(Call(60 + 301, 10, 0, 23_000)).ToArray();
        Assert.Empty(Detect(afterPause));
        Assert.Single(Detect(afterPause, AnomalySettings.Default with { CacheTtl = TimeSpan.FromMinutes(6) }));
        Assert.Empty(Detect(events, AnomalySettings.Default with { CacheBreakEnabled = false }));
    }

    [Fact]
    public void An_unknown_price_leaves_the_extra_cost_empty()
    {
        var events = new[]
        {
            Call(0, 10, 0, 20_000, model: "house-model-1"),
            Call(30, 10, 20_000, 1_000, model: "house-model-1"),
            Call(60, 10, 21_000, 1_000, model: "house-model-1"),
            Call(90, 10, 0, 23_000, model: "house-model-1"),
        };

        var anomaly = Assert.Single(Detect(events));

        Assert.Equal(22_000, anomaly.ExtraTokens);
        Assert.Null(anomaly.ExtraCost);
    }

    [Fact]
    public void A_529_storm_is_a_retry_loop_and_an_error_burst()
    {
        const string same = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        var events = new[]
        {
            Failure(0, fingerprint: same),
            Failure(1, fingerprint: same),
            Failure(3, fingerprint: same),
            Failure(7, fingerprint: same),
            Failure(15, fingerprint: same),
            Call(31, 100, 0, 0, output: 50, fingerprint: same),
            Call(200, 100, 0, 0, output: 50, fingerprint: same),
        };

        var found = Detect(events);

        Assert.Equal(2, found.Count);
        var loop = Assert.Single(found, a => a.Kind == TokenUsageAnomalyKind.RetryLoop);
        Assert.Equal(Start, loop.Start);
        Assert.Equal(Start.AddSeconds(31), loop.End);
        Assert.Equal(6, loop.Count);
        Assert.Equal(150, loop.ExtraTokens);
        // The repeats: five answers without tokens, then 100 input at $5 and 50 output at $25 per million.
        Assert.Equal(0.00175m, loop.ExtraCost);
        Assert.Equal("6 identical messages requests in 31 s, 5 of them failed (last: 200); request fingerprint aaaaaaaaaaaa", loop.Detail);

        var burst = Assert.Single(found, a => a.Kind == TokenUsageAnomalyKind.ErrorBurst);
        Assert.Equal(Start, burst.Start);
        Assert.Equal(Start.AddSeconds(15), burst.End);
        Assert.Equal(5, burst.Count);
        Assert.Equal(0, burst.ExtraTokens);
        Assert.Equal(0m, burst.ExtraCost);
        Assert.Equal("5 failed requests in 15 s (529 x5); last: overloaded_error: Overloaded", burst.Detail);
    }

    [Fact]
    public void Retry_loop_and_error_burst_thresholds_hold()
    {
        const string same = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        var three = new[] { Failure(0, fingerprint: same), Failure(10, fingerprint: same), Failure(20, fingerprint: same), Failure(90, fingerprint: same) };
        Assert.Empty(Detect(three));

        var loop = Assert.Single(Detect(three, AnomalySettings.Default with { RetryLoopCount = 3 }));
        Assert.Equal(TokenUsageAnomalyKind.RetryLoop, loop.Kind);
        Assert.Equal(3, loop.Count);

        var spread = Enumerable.Range(0, 5).Select(i => Failure(i * 16, status: 500)).ToArray();
        Assert.Empty(Detect(spread));
        var burst = Assert.Single(Detect(spread, AnomalySettings.Default with { ErrorBurstWindow = TimeSpan.FromSeconds(64) }));
        Assert.Equal(5, burst.Count);
        Assert.Equal("5 failed requests in 64 s (500 x5); last: HTTP 500", burst.Detail);
    }

    [Fact]
    public void Sessions_are_kept_apart()
    {
        const string same = "cccccccccccccccccccccccccccccccc";
        var events = Enumerable.Range(0, 6).Select(i => Failure(i, session: i % 2 == 0 ? "cc-a" : "cc-b", fingerprint: same)).ToArray();

        Assert.Empty(Detect(events));
    }

    [Fact]
    public void A_token_spike_reports_the_part_above_the_median()
    {
        var events = new[]
        {
            Call(0, 10_000, 0, 0),
            Call(10, 11_000, 0, 0),
            Call(20, 12_000, 0, 0),
            Call(30, 13_000, 0, 0),
            Call(40, 14_000, 0, 0),
            Call(50, 100_000, 0, 0),
            Call(60, 15_000, 0, 0),
        };

        var spike = Assert.Single(Detect(events));

        Assert.Equal(TokenUsageAnomalyKind.TokenSpike, spike.Kind);
        Assert.Equal(Start.AddSeconds(50), spike.Start);
        Assert.Equal(1, spike.Count);
        Assert.Equal(88_000, spike.ExtraTokens);
        // 100,000 input tokens at $5 per million, against the same prompt at the median's 12,000.
        Assert.Equal(0.44m, spike.ExtraCost);
        Assert.Equal($"a prompt of 100,000 tokens, 8.3 times the median of 12,000 over this session's previous 5 {Opus} requests", spike.Detail);

        Assert.Empty(Detect(events, AnomalySettings.Default with { TokenSpikeMultiplier = 10 }));
        Assert.Empty(Detect(events, AnomalySettings.Default with { TokenSpikeMinHistory = 6 }));
        Assert.Empty(Detect(events, AnomalySettings.Default with { TokenSpikeMinExtraTokens = 90_000 }));
    }

    [Fact]
    public void Spiking_requests_in_a_row_make_one_anomaly()
    {
        var events = new[]
        {
            Call(0, 10_000, 0, 0),
            Call(10, 10_000, 0, 0),
            Call(20, 10_000, 0, 0),
            Call(30, 10_000, 0, 0),
            Call(40, 10_000, 0, 0),
            Call(50, 80_000, 0, 0),
            Call(60, 90_000, 0, 0),
        };

        var spike = Assert.Single(Detect(events));

        Assert.Equal(2, spike.Count);
        Assert.Equal(70_000 + 80_000, spike.ExtraTokens);
        Assert.Equal(0.75m, spike.ExtraCost);
        Assert.Equal($"a prompt of 90,000 tokens, 9 times the median of 10,000 over this session's previous 5 {Opus} requests; 2 such requests in a row", spike.Detail);
    }

    [Fact]
    public void The_spike_median_is_that_of_the_last_200_prompts()
    {
        // 200 prompts of 10,000, then 100 of 50,000 (never above 5 times the median): the window holds 100 of each.
        var events = Enumerable.Range(0, 200).Select(i => Call(i, 10_000, 0, 0))
            .Concat(Enumerable.Range(200, 100).Select(i => Call(i, 50_000, 0, 0)))
            .Append(Call(300, 200_000, 0, 0))
            .ToList();

        var spike = Assert.Single(Detect(events));

        Assert.Equal(Start.AddSeconds(300), spike.Start);
        Assert.Equal(170_000, spike.ExtraTokens);
        Assert.Equal($"a prompt of 200,000 tokens, 6.7 times the median of 30,000 over this session's previous 200 {Opus} requests", spike.Detail);
    }

    [Fact]
    public void A_closed_anomaly_keeps_its_own_detail_when_the_next_one_opens()
    {
        // Two spikes of one session and model, against different medians.
        var spikes = Enumerable.Range(0, 5).Select(i => Call(i * 10, 10_000, 0, 0))
            .Append(Call(50, 100_000, 0, 0))
            .Append(Call(60, 10_000, 0, 0))
            .Concat(Enumerable.Range(7, 6).Select(i => Call(i * 10, 40_000, 0, 0)))
            .Append(Call(130, 300_000, 0, 0))
            .ToList();
        var found = Detect(spikes);
        Assert.Equal(2, found.Count);
        Assert.Equal($"a prompt of 100,000 tokens, 10 times the median of 10,000 over this session's previous 5 {Opus} requests", found[0].Detail);
        Assert.Equal($"a prompt of 300,000 tokens, 7.5 times the median of 40,000 over this session's previous 13 {Opus} requests", found[1].Detail);

        // Two error bursts of one session, with other statuses.
        var bursts = Enumerable.Range(0, 5).Select(i => Failure(i)).Concat(Enumerable.Range(100, 5).Select(i => Failure(i, status: 500))).ToList();
        found = Detect(bursts);
        Assert.Equal(2, found.Count);
        Assert.Equal("5 failed requests in 4 s (529 x5); last: overloaded_error: Overloaded", found[0].Detail);
        Assert.Equal("5 failed requests in 4 s (500 x5); last: HTTP 500", found[1].Detail);

        // Two retry loops of one request: the first all failures, the second none.
        const string same = "dddddddddddddddddddddddddddddddd";
        var loops = Enumerable.Range(0, 4).Select(i => Failure(i, fingerprint: same))
            .Concat(Enumerable.Range(200, 4).Select(i => Call(i, 100, 0, 0, output: 10, fingerprint: same)))
            .ToList();
        found = Detect(loops);
        Assert.Equal(2, found.Count);
        Assert.Equal("4 identical messages requests in 3 s, 4 of them failed (last: 529); request fingerprint dddddddddddd", found[0].Detail);
        Assert.Equal("4 identical messages requests in 3 s, 0 of them failed (last: 200); request fingerprint dddddddddddd", found[1].Detail);
    }

    [Fact]
    public void Forget_drops_the_state_of_sessions_idle_since_the_instant_and_keeps_the_others()
    {
        const string same = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        var detector = new AnomalyDetector(AnomalySettings.Default, Prices);
        foreach (var e in new[]
        {
            Failure(0, session: "cc-old", fingerprint: same), Failure(1, session: "cc-old", fingerprint: same), Failure(2, session: "cc-old", fingerprint: same),
            Failure(0, session: "cc-new", fingerprint: same), Failure(1, session: "cc-new", fingerprint: same), Failure(5, session: "cc-new", fingerprint: same),
            Call(0, 10_000, 0, 0, session: "cc-s"), Call(1, 10_000, 0, 0, session: "cc-s"), Call(2, 10_000, 0, 0, session: "cc-s"),
            Call(3, 10_000, 0, 0, session: "cc-s"), Call(4, 10_000, 0, 0, session: "cc-s"),
            Call(0, 10_000, 0, 0, session: "cc-t"), Call(1, 10_000, 0, 0, session: "cc-t"), Call(2, 10_000, 0, 0, session: "cc-t"),
            Call(3, 10_000, 0, 0, session: "cc-t"), Call(15, 10_000, 0, 0, session: "cc-t"),
        })
        {
            Assert.Empty(detector.Observe(e));
        }

        detector.Forget(Start.AddSeconds(5));

        // Idle since before the instant: their runs and prompt history start again.
        Assert.Empty(detector.Observe(Failure(6, session: "cc-old", fingerprint: same)));
        Assert.Empty(detector.Observe(Call(20, 100_000, 0, 0, session: "cc-s")));

        // Seen at or after it: a fourth identical request within the window is a loop, and a prompt 10 times the median a spike.
        var loop = Assert.Single(detector.Observe(Failure(6, session: "cc-new", fingerprint: same)));
        Assert.Equal(TokenUsageAnomalyKind.RetryLoop, loop.Kind);
        Assert.Equal(4, loop.Count);
        var spike = Assert.Single(detector.Observe(Call(20, 100_000, 0, 0, session: "cc-t")));
        Assert.Equal(TokenUsageAnomalyKind.TokenSpike, spike.Kind);
        Assert.Equal(90_000, spike.ExtraTokens);
    }

    [Fact]
    public void A_session_without_a_client_id_is_the_app_and_its_process()
    {
        var events = Enumerable.Range(0, 5).Select(i =>
        {
            var failure = Failure(i, status: 503);
            failure.ClientSessionId = null;
            failure.App = "gemini-cli";
            failure.ClientProcessId = 4242;
            return failure;
        }).ToArray();

        var burst = Assert.Single(Detect(events));

        Assert.Equal("gemini-cli pid 4242", burst.Session);
    }
}
