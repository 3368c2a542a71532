// Demo traffic: the same seed gives the same events, every event is marked demo and priced, the presets differ in
// shape, and demo mode writes its own store under <home>/demo, never the real one.
using System.Diagnostics;
using Tokentap.Engine.Demo;
using Tokentap.Engine.Facade;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Tests.Live;

namespace Tokentap.Engine.Tests.Demo;

public sealed class DemoTrafficTests : IDisposable
{
    private static readonly DateTime End = new(2026, 3, 31, 15, 30, 0, DateTimeKind.Utc);
    private static readonly PriceTable Prices = PriceTable.Embedded();
    private readonly string _home = Path.Combine(Path.GetTempPath(), "tokentap-demo-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_events_and_another_seed_other_ones()
    {
        var first = Fingerprints(new DemoTraffic(42, TokentapDemoPreset.Heavy, Prices).History(End));
        var again = Fingerprints(new DemoTraffic(42, TokentapDemoPreset.Heavy, Prices).History(End));
        var other = Fingerprints(new DemoTraffic(43, TokentapDemoPreset.Heavy, Prices).History(End));

        Assert.Equal(first, again);
        Assert.NotEmpty(first);
        Assert.Empty(first.Intersect(other));

        var live = new DemoTraffic(42, TokentapDemoPreset.Heavy, Prices);
        var liveAgain = new DemoTraffic(42, TokentapDemoPreset.Heavy, Prices);
        Assert.Equal(
            Fingerprints(Enumerable.Range(0, 50).Select(i => live.NextLive(End.AddSeconds(i))).ToList()),
            Fingerprints(Enumerable.Range(0, 50).Select(i => liveAgain.NextLive(End.AddSeconds(i))).ToList()));
    }

    [Theory]
    [InlineData(TokentapDemoPreset.Light, 1, 3)]
    [InlineData(TokentapDemoPreset.Heavy, 1, 6)]
    [InlineData(TokentapDemoPreset.Team, 5, 6)]
    public void Every_event_is_demo_priced_in_the_last_30_days_with_the_presets_people_and_agents(TokentapDemoPreset preset, int people, int apps)
    {
        var events = new DemoTraffic(7, preset, Prices).History(End);

        Assert.All(events, e => Assert.Equal(UsageSource.Demo, e.Source));
        Assert.All(events, e => Assert.NotNull(e.Cost));
        Assert.All(events, e => Assert.InRange(e.Timestamp, End.Date.AddDays(-DemoTraffic.HistoryDays), End.AddTicks(-1)));
        Assert.All(events, e => Assert.StartsWith("demo-", e.Session, StringComparison.Ordinal));
        Assert.Equal(events.OrderBy(e => e.Timestamp).Select(e => e.Id), events.Select(e => e.Id));
        Assert.Equal(people, events.Select(e => e.Session).Distinct().Count());
        Assert.Equal(apps, events.Select(e => e.App).Distinct().Count());
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());

        // Agents' conversations read their growing context back from the cache; scripts do not carry a session id.
        Assert.Contains(events, e => e.App == "claude-code" && e.CacheReadTokens > 0 && e.CacheWriteTokens > 0);
        Assert.All(events.Where(e => e.App is "openai-python" or "anthropic-node"), e => Assert.Null(e.ClientSessionId));
        Assert.All(events.Where(e => e.App == "claude-code"), e => Assert.NotNull(e.ClientSessionId));
    }

    [Fact]
    public void Heavy_is_busier_than_light_and_team_busier_than_heavy()
    {
        var light = new DemoTraffic(7, TokentapDemoPreset.Light, Prices).History(End).Count;
        var heavy = new DemoTraffic(7, TokentapDemoPreset.Heavy, Prices).History(End).Count;
        var team = new DemoTraffic(7, TokentapDemoPreset.Team, Prices).History(End).Count;
        Assert.True(light * 3 < heavy, $"light {light}, heavy {heavy}");
        Assert.True(heavy < team, $"heavy {heavy}, team {team}");
    }

    [Fact]
    public void Demo_mode_fills_and_grows_the_demo_store_and_never_writes_the_real_one()
    {
        var clock = new ManualTimeProvider(End, TimeZoneInfo.Utc);
        List<Guid> historyIds;
        using (var demo = TokentapEngine.ForDemo(_home, clock))
        {
            var history = demo.StartDemo(TokentapDemoPreset.Team, 11, new Messages());
            Assert.Equal(new DemoTraffic(11, TokentapDemoPreset.Team, Prices).History(End).Count, history);
            Assert.Equal(Path.Combine(_home, "demo", "usage.db"), demo.DatabasePath);
            Assert.False(demo.IsIdle);
            var status = demo.GetStatus();
            Assert.Equal((true, (TokentapDemoPreset?)TokentapDemoPreset.Team, (int?)11), (status.Demo, status.DemoPreset, status.DemoSeed));

            // Live requests follow (Team: one every 1 to 3 seconds), stamped by the clock.
            var watch = Stopwatch.StartNew();
            while (demo.GetSummary(UsageFilter.All, []).Single().Requests == history && watch.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(200);
            }

            var stored = demo.GetUsage(UsageFilter.All).ToList();
            Assert.True(stored.Count > history, $"no live request after {watch.Elapsed}");
            Assert.All(stored, e => Assert.Equal(UsageSource.Demo, e.Source));
            Assert.Contains(stored, e => e.Timestamp == End);
            historyIds = stored.Where(e => e.Timestamp < End).Select(e => e.Id).ToList();

            // Stopped, nothing more is written.
            Assert.True(demo.StopDemo());
            Assert.True(demo.IsIdle);
            Assert.False(demo.StopDemo());
            var after = demo.GetSummary(UsageFilter.All, []).Single().Requests;
            Thread.Sleep(3500);
            Assert.Equal(after, demo.GetSummary(UsageFilter.All, []).Single().Requests);
        }

        Assert.False(File.Exists(Path.Combine(_home, "usage.db")));

        // Starting again with the same seed replaces the store (live requests included) with the same history.
        using (var again = TokentapEngine.ForDemo(_home, clock))
        {
            again.StartDemo(TokentapDemoPreset.Team, 11, new Messages());
            again.StopDemo();
            Assert.Equal(historyIds, again.GetUsage(UsageFilter.All).Select(e => e.Id).ToList());
        }

        Assert.False(File.Exists(Path.Combine(_home, "usage.db")));
    }

    [Fact]
    public void A_real_engine_refuses_demo_traffic()
    {
        using var real = new TokentapEngine(new TokentapPaths(_home));
        var failure = Assert.Throws<TokentapException>(() => real.StartDemo(TokentapDemoPreset.Light, 1, new Messages()));
        Assert.Equal("NotDemoStore", failure.ErrorId);
        Assert.False(real.GetStatus().Demo);
        Assert.False(File.Exists(Path.Combine(_home, "usage.db")));
    }

    private static List<(Guid, DateTime, string?, string?, long, long, long, long, decimal?)> Fingerprints(IReadOnlyList<UsageEvent> events) =>
        events.Select(e => (e.Id, e.Timestamp, e.App, e.Model, e.InputTokens, e.CacheReadTokens, e.CacheWriteTokens, e.OutputTokens, e.Cost)).ToList();

    private sealed class Messages : ITokentapMessages
    {
        public void WriteWarning(string text) => throw new InvalidOperationException(text);

        public void WriteVerbose(string text)
        {
        }

        public void WriteHostLine(string text)
        {
        }
    }
}
