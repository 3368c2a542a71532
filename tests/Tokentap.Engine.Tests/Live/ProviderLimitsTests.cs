// API rate-limit gauges of every provider (x-ratelimit-*, anthropic-ratelimit-*) beside the Claude subscription windows:
// the newest reading per provider and limit, expiry at the reset, and a line per provider at 80x24 and 160x48.
using Spectre.Console.Testing;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Tests.Usage;

namespace Tokentap.Engine.Tests.Live;

public sealed class ProviderLimitsTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly ManualTimeProvider _clock = new(LiveEvents.Now, LiveEvents.Zone);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Each_provider_keeps_its_newest_reading_per_limit()
    {
        _temp.Store.Write([.. LiveEvents.LastHour, .. ApiEvents()]);

        var limits = Load().Snapshot.Limits;

        Assert.Equal(
            [
                ("anthropic", "5h", 0.42), ("anthropic", "7d", 0.11),
                ("anthropic", "requests", 0.02), ("anthropic", "input tokens", 0.75), ("anthropic", "output tokens", 0.0),
                ("openai", "requests", 0.3), ("openai", "tokens", 0.1),
            ],
            limits.Select(l => (l.Provider, l.Name, Math.Round(l.Utilization, 6))));
        var openAiRequests = limits.Single(l => l.Provider == "openai" && l.Name == "requests");
        Assert.Equal(LiveEvents.Now.AddMinutes(-3), openAiRequests.ObservedAt);
        Assert.Equal(new DateTimeOffset(LiveEvents.Now.AddSeconds(20)), openAiRequests.ResetsAt);
        Assert.All(limits, l => Assert.False(l.Expired));
    }

    [Fact]
    public void Readings_expire_at_their_reset_and_tail_updates_equal_a_fresh_load()
    {
        _temp.Store.Write(LiveEvents.LastHour);
        var builder = Load();
        Assert.Equal(2, builder.Snapshot.Limits.Count);

        _temp.Store.Write(ApiEvents());
        Assert.True(builder.Refresh());
        Assert.Equal(7, builder.Snapshot.Limits.Count);

        // 12:34:30 -> 12:35:00: the openai requests reading (reset 12:34:50) has expired, the tokens one (12:35:30) not.
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(builder.Refresh());
        var fresh = Load().Snapshot.Limits;
        Assert.Equal(fresh.Select(l => (l.Provider, l.Name, l.Utilization, l.Expired)), builder.Snapshot.Limits.Select(l => (l.Provider, l.Name, l.Utilization, l.Expired)));
        Assert.True(fresh.Single(l => l.Provider == "openai" && l.Name == "requests").Expired);
        Assert.False(fresh.Single(l => l.Provider == "openai" && l.Name == "tokens").Expired);
    }

    [Fact]
    public void At_80x24_the_subscription_and_the_fullest_provider_get_a_line_and_at_160x48_every_provider()
    {
        _temp.Store.Write([.. LiveEvents.LastHour, .. ApiEvents()]);
        var snapshot = Load().Snapshot;

        var small = Render(snapshot, 80, 24);
        var large = Render(snapshot, 160, 48);

        var first = Array.FindIndex(small, l => l.StartsWith("Limits", StringComparison.Ordinal));
        Assert.Equal("Limits 5h ████░░░░░░ 42% resets 17:00   7d █░░░░░░░░░ 11% resets Sat 02:00", small[first].TrimEnd());
        Assert.Equal("Limits anthropic req ░░░░░░░░░░ 2% resets 14:35:30   in ████████░░ 75% resets 1…", small[first + 1]);
        Assert.DoesNotContain(small, l => l.StartsWith("Limits openai", StringComparison.Ordinal));
        Assert.Equal(80, small[first + 1].Length);

        var top = Array.FindIndex(large, l => l.StartsWith("Limits", StringComparison.Ordinal));
        Assert.StartsWith("Limits 5h ████████░░░░░░░░░░░░ 42% resets 17:00", large[top], StringComparison.Ordinal);
        Assert.Equal(
            "Limits anthropic req ░░░░░░░░░░░░░░░░░░░░ 2% resets 14:35:30   in ███████████████░░░░░ 75% resets 14:35:30   out ░░░░░░░░░░░░░░░░░░░░ 0% resets 14:35:30",
            large[top + 1].TrimEnd());
        Assert.Equal("Limits openai req ██████░░░░░░░░░░░░░░ 30% resets 14:34:50   tok ██░░░░░░░░░░░░░░░░░░ 10% resets 14:35:30", large[top + 2].TrimEnd());
    }

    /// <summary>
    /// Codex on GPT-5 at -10 min (requests 400/500 left, tokens 27,000/30,000) and at -3 min (requests 350/500, no token
    /// headers); an API-key Anthropic call at -2 min (requests 49/50, input 10,000/40,000, output 8,000/8,000).
    /// </summary>
    private static UsageEvent[] ApiEvents()
    {
        var early = LiveEvents.Make(70, -10, "openai", "gpt-5", "codex", null, "r", 10, 0, 0, 10, 0.001m);
        early.RateLimits = new RateLimitSnapshot
        {
            RequestsLimit = 500, RequestsRemaining = 400, RequestsReset = LiveEvents.Now.AddSeconds(5),
            TokensLimit = 30_000, TokensRemaining = 27_000, TokensReset = LiveEvents.Now.AddMinutes(1),
        };
        var late = LiveEvents.Make(71, -3, "openai", "gpt-5", "codex", null, "r", 10, 0, 0, 10, 0.001m);
        late.RateLimits = new RateLimitSnapshot { RequestsLimit = 500, RequestsRemaining = 350, RequestsReset = LiveEvents.Now.AddSeconds(20) };
        var anthropic = LiveEvents.Make(72, -2, "anthropic", "claude-sonnet-4-5", "sdk", null, "k", 10, 0, 0, 10, 0.001m);
        var reset = LiveEvents.Now.AddMinutes(1);
        anthropic.RateLimits = new RateLimitSnapshot
        {
            RequestsLimit = 50, RequestsRemaining = 49, RequestsReset = reset,
            InputTokensLimit = 40_000, InputTokensRemaining = 10_000, InputTokensReset = reset,
            OutputTokensLimit = 8_000, OutputTokensRemaining = 8_000, OutputTokensReset = reset,
        };
        return [early, late, anthropic];
    }

    private SnapshotBuilder Load()
    {
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), new TokentapPaths(_temp.Folder), new SnapshotOptions { Window = TokenUsageWindow.LastHour }, _clock);
        builder.Refresh();
        return builder;
    }

    private static string[] Render(TokenUsageSnapshot snapshot, int width, int height)
    {
        var console = new TestConsole().Width(width).Height(height);
        console.Write(SnapshotRenderer.Render(snapshot, new LiveScreenState { NowUtc = LiveEvents.Now, Zone = LiveEvents.Zone }, width, height));
        return console.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }
}
