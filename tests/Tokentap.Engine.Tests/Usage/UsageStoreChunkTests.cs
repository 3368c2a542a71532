// Events kept many to a chunk: time order across chunks and pages, appends, the tail, removal and damaged chunks.
using LiteDB;
using LiteDB.Engine;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreChunkTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_hour_written_out_of_order_in_small_batches_reads_back_in_time_then_position_order()
    {
        // 1,000 events in one hour, written 50 at a time in a shuffled order, every tenth pair sharing a timestamp.
        var random = new Random(5);
        var events = Enumerable.Range(0, 1000)
            .Select(i => Event(i, Start.AddSeconds(i / 2 * 7 % 3600)))
            .OrderBy(_ => random.Next())
            .ToList();
        foreach (var batch in events.Chunk(50))
        {
            _temp.Store.Write(batch);
        }

        // 1,000 events in chunks of at most 256, all of one hour: 4 chunks (3 full, 1 with room for the next batch).
        Assert.Equal([256, 256, 256, 232], ChunkCounts().OrderDescending());

        var positions = StoredPositions();
        var expected = events.OrderBy(e => e.Timestamp).ThenBy(e => positions[e.RequestId!]).Select(e => e.RequestId).ToList();
        Assert.Equal(expected, _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId));
        Assert.Equal(Enumerable.Reverse(expected), _temp.Store.Query(UsageFilter.All).Select(e => e.RequestId));
        Assert.Equal(expected.TakeLast(10).Reverse(), _temp.Store.Query(UsageFilter.All, last: 10).Select(e => e.RequestId));

        // A tail far behind gets the lowest positions first, from whichever chunks hold them.
        var tail = _temp.Store.ReadAfter(0, max: 5);
        Assert.Equal(events.Take(5).Select(e => e.RequestId), tail.Events.Select(e => e.RequestId));
        Assert.Equal((5L, true), (tail.Position, tail.HasMore));
        var end = _temp.Store.ReadAfter(995, max: 10);
        Assert.Equal(events.Skip(995).Select(e => e.RequestId), end.Events.Select(e => e.RequestId));
        Assert.Equal((1000L, false), (end.Position, end.HasMore));
    }

    [Fact]
    public void Pages_of_whole_hours_return_every_event_once_in_both_directions()
    {
        // 30 hours with 0 to 700 events each (0 to 3 chunks): pages of 2, 16 and 128 chunks cut into hours many ways.
        var events = new List<UsageEvent>();
        for (var hour = 0; hour < 30; hour++)
        {
            var count = hour * 37 % 701;
            events.AddRange(Enumerable.Range(0, count).Select(i => Event(events.Count, Start.AddHours(hour).AddSeconds(i * 5))));
        }

        _temp.Store.Import(events);
        var expected = events.Select(e => e.RequestId).ToList();
        Assert.Equal(expected, _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId));
        Assert.Equal(Enumerable.Reverse(expected), _temp.Store.Query(UsageFilter.All).Select(e => e.RequestId));

        // A window starting and ending inside hours.
        var window = new UsageFilter { Since = Start.AddHours(3).AddMinutes(20), Until = Start.AddHours(27).AddSeconds(5) };
        var inWindow = events.Where(e => e.Timestamp >= window.Since && e.Timestamp < window.Until).Select(e => e.RequestId).ToList();
        Assert.Equal(inWindow, _temp.Store.Query(window, UsageOrder.OldestFirst).Select(e => e.RequestId));
        Assert.Equal(inWindow.Count, _temp.Store.Count(window));
    }

    [Fact]
    public void The_tail_sees_only_new_events_in_commit_order_though_their_chunk_was_rewritten()
    {
        _temp.Store.Write(Enumerable.Range(0, 100).Select(i => Event(i, Start.AddSeconds(i))).ToList());
        var position = _temp.Store.GetLastPosition();
        Assert.Equal(100, position);

        // Appended to the same chunk (rewritten under a new _id), one of them earlier in time than all others.
        _temp.Store.Write([Event(100, Start.AddSeconds(500)), Event(101, Start.AddSeconds(-1)), Event(102, Start.AddSeconds(50))]);
        var page = _temp.Store.ReadAfter(position);
        Assert.Equal(["e100", "e101", "e102"], page.Events.Select(e => e.RequestId));
        Assert.Equal(103, page.Position);
        Assert.False(page.HasMore);

        var limited = _temp.Store.ReadAfter(position, max: 2);
        Assert.Equal(["e100", "e101"], limited.Events.Select(e => e.RequestId));
        Assert.Equal((102L, true), (limited.Position, limited.HasMore));
        Assert.Empty(_temp.Store.ReadAfter(103).Events);
    }

    [Fact]
    public void Removal_rewrites_chunks_in_place_and_never_gives_a_position_twice()
    {
        _temp.Store.Write(Enumerable.Range(0, 300).Select(i => Event(i, Start.AddSeconds(i))).ToList());
        Assert.Equal(2, ChunkCounts().Count);

        // The newest 100 go: the second chunk (held 44) is deleted, the first keeps 200.
        Assert.Equal(100, _temp.Store.Remove(Enumerable.Range(200, 100).Select(i => Event(i, Start.AddSeconds(i)))));
        Assert.Equal([200], ChunkCounts());
        Assert.Equal(300, _temp.Store.GetLastPosition());
        Assert.Equal(new UsageWriteResult(1, 0, 301, 301), _temp.Store.Write([Event(250, Start.AddSeconds(250))]));
        Assert.Equal(201, _temp.Store.Count(UsageFilter.All));

        // Keys go with their events: a removed event can be written again, a kept one cannot.
        Assert.Equal(new UsageWriteResult(1, 1, 302, 302), _temp.Store.Write([Event(251, Start.AddSeconds(251)), Event(5, Start.AddSeconds(5))]));
        Assert.Equal(0, _temp.Store.Remove(Start.AddSeconds(-1)));
        Assert.Equal(100, _temp.Store.Remove(Start.AddSeconds(100)));
        Assert.Equal(Enumerable.Range(100, 100).Select(i => "e" + i).Concat(["e250", "e251"]), _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId));
    }

    [Fact]
    public async Task A_chunk_that_cannot_be_decoded_sets_the_file_aside_and_recording_goes_on()
    {
        _temp.Store.Write(Enumerable.Range(0, 10).Select(i => Event(i, Start.AddSeconds(i))).ToList());
        _temp.Store.Write(Enumerable.Range(10, 10).Select(i => Event(i, Start.AddHours(5).AddSeconds(i))).ToList());
        _temp.Store.Dispose();
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            using var reader = engine.Query(UsageSchema.Chunks, new Query { Where = { BsonExpression.Create("$.h = @0", UsageKeys.HourOf(Start.Ticks)) } });
            Assert.True(reader.Read());
            var chunk = reader.Current.AsDocument;
            chunk["b"] = chunk["b"].AsBinary[..20];
            engine.Update(UsageSchema.Chunks, [chunk]);
        }

        using var store = new UsageStore(_temp.DatabasePath);
        var salvaged = new TaskCompletionSource<UsageStoreSalvage>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Salvaged += s => salvaged.TrySetResult(s);
        var read = new List<UsageEvent>();
        var error = Assert.Throws<UsageStoreDamagedException>(() =>
        {
            foreach (var e in store.Query(UsageFilter.All))
            {
                read.Add(e);
            }
        });

        // Newest first: the undamaged hour came through before the damaged one was met.
        Assert.Equal(Enumerable.Range(10, 10).Reverse().Select(i => "e" + i), read.Select(e => e.RequestId));
        Assert.Contains(_temp.DatabasePath, error.Message);
        Assert.StartsWith(_temp.DatabasePath + ".damaged-", error.Recovery!.MovedTo);
        Assert.True(File.Exists(error.Recovery!.MovedTo));
        Assert.Equal(StoreFailureKind.Damaged, StoreFailure.Classify(error));
        Assert.Equal(error.Recovery, store.LastRecovery);

        Assert.Equal(1, store.Write([Event(99, Start)]).Inserted);

        // The undamaged hour is copied back from the file set aside; the damaged chunk's 10 events are counted lost.
        var salvage = await salvaged.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((10L, 10L, (string?)null), (salvage.Saved, salvage.Lost, salvage.Error));
        Assert.Equal(Enumerable.Range(10, 10).Reverse().Select(i => "e" + i).Append("e99"), store.Query(UsageFilter.All).Select(e => e.RequestId));
    }

    [Fact]
    public void A_damaged_open_chunk_is_found_by_the_writer_which_sets_the_file_aside_and_writes_on()
    {
        _temp.Store.Write([Event(0, Start)]);
        _temp.Store.Dispose();
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            using var reader = engine.Query(UsageSchema.Chunks, new Query());
            Assert.True(reader.Read());
            var chunk = reader.Current.AsDocument;
            chunk["b"] = new byte[] { 7 };
            engine.Update(UsageSchema.Chunks, [chunk]);
        }

        using var store = new UsageStore(_temp.DatabasePath);
        Assert.Equal(1, store.Write([Event(1, Start.AddSeconds(1))]).Inserted);
        Assert.NotNull(store.LastRecovery);
        Assert.Contains("Unknown usage chunk format 7", store.LastRecovery.Message);
        Assert.Equal(["e1"], store.Query(UsageFilter.All).Select(e => e.RequestId));
    }

    private static UsageEvent Event(int n, DateTime timestamp) => new(new Guid(n, 0, 0, new byte[8]))
    {
        Timestamp = timestamp,
        Provider = "openai",
        Model = "gpt-5",
        RequestId = "e" + n,
        InputTokens = n,
        StatusCode = 200,
    };

    private List<int> ChunkCounts()
    {
        var counts = new List<int>();
        using var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true });
        using var reader = engine.Query(UsageSchema.Chunks, new Query());
        while (reader.Read())
        {
            counts.Add(reader.Current["n"].AsInt32);
        }

        return counts;
    }

    private Dictionary<string, long> StoredPositions()
    {
        var positions = new Dictionary<string, long>();
        var page = _temp.Store.ReadAfter(0, max: int.MaxValue);
        var position = 0L;
        foreach (var e in page.Events)
        {
            positions[e.RequestId!] = ++position;
        }

        return positions;
    }
}
