// The ids new events get: RFC 9562 version 7 UUIDs, time-ordered and unique.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageEventIdTests
{
    [Fact]
    public void A_new_event_id_is_a_version_7_uuid_of_the_current_millisecond()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = new UsageEvent().Id;
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var bytes = id.ToByteArray(bigEndian: true);
        Assert.InRange(TimeOf(id), before, after);
        Assert.Equal(7, bytes[6] >> 4);
        Assert.Equal(0b10, bytes[8] >> 6);
        Assert.Equal('7', id.ToString()[14]);
    }

    [Fact]
    public void Ids_made_on_several_threads_are_all_different_and_sort_by_their_millisecond()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                ids.Add(new UsageEvent().Id);
            }
        });

        Assert.Equal(200_000, ids.Distinct().Count());

        // Within one thread, ids of later milliseconds sort after earlier ones (the first 48 bits are the time).
        var sequence = Enumerable.Range(0, 2_000).Select(_ => new UsageEvent().Id).ToList();
        var times = sequence.Select(TimeOf).ToList();
        Assert.Equal(times.Order().ToList(), times);
        var distinctTimes = sequence.GroupBy(TimeOf).Select(g => g.First()).ToList();
        Assert.Equal(distinctTimes.OrderBy(g => g.ToString(), StringComparer.Ordinal).ToList(), distinctTimes);
    }

    private static long TimeOf(Guid id)
    {
        Assert.True(UsageKeys.IsTimeOrdered(id, out var milliseconds));
        return (long)milliseconds;
    }
}
