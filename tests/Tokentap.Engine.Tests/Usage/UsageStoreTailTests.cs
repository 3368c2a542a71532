// The tail API the live view uses: events after a position, and the start of a tail from a time.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreTailTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_after_returns_only_newer_events_in_store_order()
    {
        var empty = _temp.Store.ReadAfter(0);
        Assert.Empty(empty.Events);
        Assert.Equal(0, empty.Position);

        // Store order is commit order, not timestamp order: E8 written first gets the first position.
        _temp.Store.Write([SampleEvents.E8, SampleEvents.E1]);
        var page = _temp.Store.ReadAfter(0);
        Assert.Equal([8, 1], page.Events.Select(SampleEvents.NumberOf));
        Assert.Equal(2, page.Position);
        Assert.False(page.HasMore);

        _temp.Store.Write([SampleEvents.E2, SampleEvents.E3, SampleEvents.E4]);
        var next = _temp.Store.ReadAfter(page.Position, max: 2);
        Assert.Equal([2, 3], next.Events.Select(SampleEvents.NumberOf));
        Assert.True(next.HasMore);
        var rest = _temp.Store.ReadAfter(next.Position, max: 2);
        Assert.Equal([4], rest.Events.Select(SampleEvents.NumberOf));
        Assert.Equal(5, rest.Position);
        Assert.Empty(_temp.Store.ReadAfter(rest.Position).Events);
    }

    [Fact]
    public void Read_after_filters_but_advances_over_everything_read()
    {
        _temp.Store.Write(SampleEvents.All);
        var page = _temp.Store.ReadAfter(0, new UsageFilter { App = ["curl"] });
        Assert.Equal([6, 8], page.Events.Select(SampleEvents.NumberOf));
        Assert.Equal(8, page.Position);
    }

    [Fact]
    public void Read_since_starts_a_tail_from_a_time()
    {
        _temp.Store.Write(SampleEvents.All);
        var start = _temp.Store.ReadSince(new DateTime(2026, 1, 11, 0, 0, 0, DateTimeKind.Utc), max: 3);
        Assert.Equal([6, 7, 8], start.Events.Select(SampleEvents.NumberOf));
        Assert.True(start.HasMore);
        Assert.Equal(8, start.Position);
        var all = _temp.Store.ReadSince(new DateTime(2026, 1, 11, 0, 0, 0, DateTimeKind.Utc), new UsageFilter { Provider = ["openai"] });
        Assert.Equal([4, 8], all.Events.Select(SampleEvents.NumberOf));
        Assert.False(all.HasMore);
        _temp.Store.Write([new UsageEvent { Timestamp = DateTime.UtcNow, RequestId = "live" }]);
        Assert.Equal(["live"], _temp.Store.ReadAfter(start.Position).Events.Select(e => e.RequestId));
    }
}
