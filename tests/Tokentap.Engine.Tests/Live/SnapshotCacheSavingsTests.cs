// The live snapshot's cache savings: per model at its standard rates, null for a model without a price, the total, and
// the overview's net figure where its line has room.
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Spectre.Console.Testing;
using Tokentap.Engine.Tests.Usage;

namespace Tokentap.Engine.Tests.Live;

public sealed class SnapshotCacheSavingsTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly ManualTimeProvider _clock = new(LiveEvents.Now, LiveEvents.Zone);

    public void Dispose() => _temp.Dispose();

    private string Line(TokenUsageSnapshot snapshot, int width, int line)
    {
        var console = new TestConsole().Width(width).Height(48);
        console.Write(SnapshotRenderer.Render(snapshot, new LiveScreenState { NowUtc = _clock.UtcNow, Zone = LiveEvents.Zone }, width, 48));
        return console.Output.Split('\n')[line].TrimEnd('\r').TrimEnd();
    }

    [Fact]
    public void Savings_per_model_and_in_total_over_the_last_hour()
    {
        _temp.Store.Write(LiveEvents.All);
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), new TokentapPaths(_temp.Folder), new SnapshotOptions { Window = TokenUsageWindow.LastHour, Filter = UsageFilter.All }, _clock);
        Assert.True(builder.Refresh());
        var snapshot = builder.Snapshot;

        // claude-sonnet-4-5 (A1, A2, A6): 21,000 cache reads x ($3 - $0.30) = $0.0567; 900 writes x ($3.75 - $3) = $0.000675.
        var sonnet = snapshot.Models.Single(m => m.Model == "claude-sonnet-4-5");
        Assert.Equal((0.0567m, 0.000675m, 0.056025m), (sonnet.CacheReadSavings!.Value, sonnet.CacheWriteExtraCost!.Value, sonnet.NetCacheSavings!.Value));

        // gpt-5 (A3): 1,000 cache reads x ($1.25 - $0.125) = $0.001125; no write price, so writes cost the input price.
        var gpt5 = snapshot.Models.Single(m => m.Model == "gpt-5");
        Assert.Equal((0.001125m, 0m), (gpt5.CacheReadSavings!.Value, gpt5.CacheWriteExtraCost!.Value));

        // A model without a price has unknown savings, not zero; the total adds the known ones.
        var mystery = snapshot.Models.Single(m => m.Model == "mystery-model");
        Assert.Equal(((decimal?)null, (decimal?)null), (mystery.CacheReadSavings, mystery.CacheWriteExtraCost));
        Assert.Equal((0.057825m, 0.000675m, 0.05715m), (snapshot.CacheReadSavings!.Value, snapshot.CacheWriteExtraCost!.Value, snapshot.NetCacheSavings!.Value));
    }

    [Fact]
    public void The_overview_shows_the_net_savings_where_the_line_has_room()
    {
        _temp.Store.Write(LiveEvents.All);
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), new TokentapPaths(_temp.Folder), new SnapshotOptions { Window = TokenUsageWindow.LastHour, Filter = UsageFilter.All }, _clock);
        Assert.True(builder.Refresh());

        Assert.Equal(
            "Tokens 27.8k  in 3,160  cache read 22.0k  write 900  out 1,705  cache hit 84.4%  cache saved $0.057 net",
            Line(builder.Snapshot, 160, 2));
        Assert.Equal("Tokens 27.8k  in 3,160  cache read 22.0k  write 900  out 1,705  cache hit 84.4%", Line(builder.Snapshot, 80, 2));
    }

    [Fact]
    public void An_empty_window_has_no_savings()
    {
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), new TokentapPaths(_temp.Folder), new SnapshotOptions { Window = TokenUsageWindow.LastHour, Filter = UsageFilter.All }, _clock);
        Assert.True(builder.Refresh());
        Assert.Null(builder.Snapshot.CacheReadSavings);
        Assert.Null(builder.Snapshot.NetCacheSavings);
    }
}
