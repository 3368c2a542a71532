// The recorder's open chunk kept between batches: used only while the file holds it exactly, never a source of events.
using LiteDB;
using LiteDB.Engine;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class OpenChunkCacheTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 4, 1, 10, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Recorder_batches_of_one_hour_append_to_the_remembered_chunk_and_read_back_exactly_after_reopening()
    {
        // 600 events in batches of 40 (the recorder's path), every third batch a little earlier in time than the last.
        var events = Enumerable.Range(0, 600).Select(i => Event(i, Start.AddSeconds(i * 5 - (i / 40 % 3 == 2 ? 300 : 0)))).ToList();
        foreach (var batch in events.Chunk(40))
        {
            _temp.Store.Write(batch, new UsageWriteFence());
        }

        // The first batch found nothing to remember; each of the 14 others took the chunk the one before left open.
        Assert.Equal(14, _temp.Store.OpenChunks.Hits);
        Assert.Equal([256, 256, 88], ChunkCounts(_temp.DatabasePath).OrderDescending());

        // What is on disk is every acknowledged event once, in time then position order, as a new store reads it.
        var expected = events.Select((e, i) => (e, Position: i + 1)).OrderBy(x => x.e.Timestamp).ThenBy(x => x.Position).Select(x => x.e.RequestId).ToList();
        using var reopened = new UsageStore(_temp.DatabasePath);
        Assert.Equal(expected, reopened.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId));
        Assert.Equal(600, reopened.Count(UsageFilter.All));
        Assert.Equal(Enumerable.Range(0, 600).Sum(i => (long)i), reopened.Query(UsageFilter.All).Sum(e => e.InputTokens));
    }

    [Fact]
    public void A_chunk_another_process_appended_to_is_read_from_the_file_not_from_memory()
    {
        _temp.Store.Write(Enumerable.Range(0, 10).Select(i => Event(i, Start.AddSeconds(i))).ToList(), new UsageWriteFence());

        // Another process (another store on the same file) appends to the same open chunk: its bytes change.
        using (var other = new UsageStore(_temp.DatabasePath))
        {
            other.Write(Enumerable.Range(10, 5).Select(i => Event(i, Start.AddSeconds(i))).ToList());
        }

        _temp.Store.Write(Enumerable.Range(15, 5).Select(i => Event(i, Start.AddSeconds(i))).ToList(), new UsageWriteFence());
        Assert.Equal(0, _temp.Store.OpenChunks.Hits);
        Assert.Equal([20], ChunkCounts(_temp.DatabasePath));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => "e" + i), _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId));

        // The chunk this write left is remembered again, and the next batch uses it.
        _temp.Store.Write([Event(20, Start.AddSeconds(20))], new UsageWriteFence());
        Assert.Equal(1, _temp.Store.OpenChunks.Hits);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => "e" + i), _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId));
    }

    [Fact]
    public void Events_removed_from_the_remembered_chunk_stay_removed()
    {
        _temp.Store.Write(Enumerable.Range(0, 10).Select(i => Event(i, Start.AddSeconds(i))).ToList(), new UsageWriteFence());
        var gone = _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Take(4).ToList();
        Assert.Equal(4, _temp.Store.Remove(gone));

        _temp.Store.Write(Enumerable.Range(10, 3).Select(i => Event(i, Start.AddSeconds(i))).ToList(), new UsageWriteFence());
        Assert.Equal(0, _temp.Store.OpenChunks.Hits);
        Assert.Equal(Enumerable.Range(4, 9).Select(i => "e" + i), _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId));
    }

    [Fact]
    public void A_batch_that_meets_stored_events_skips_them_and_appends_the_rest_to_the_remembered_chunk()
    {
        var first = Enumerable.Range(0, 10).Select(i => Event(i, Start.AddSeconds(i))).ToList();
        _temp.Store.Write(first, new UsageWriteFence());

        // Two already stored: found in the hour's chunks and skipped in the same transaction, which appends the other two.
        var result = _temp.Store.Write([first[3], Event(10, Start.AddSeconds(10)), first[7], Event(11, Start.AddSeconds(11))], new UsageWriteFence());
        Assert.Equal(new UsageWriteResult(2, 2, 11, 12), result);
        Assert.Equal(1, _temp.Store.OpenChunks.Hits);

        _temp.Store.Write([Event(12, Start.AddSeconds(12))], new UsageWriteFence());
        Assert.Equal(2, _temp.Store.OpenChunks.Hits);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => "e" + i), _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId));
        Assert.Equal([13], ChunkCounts(_temp.DatabasePath));
    }

    private static UsageEvent Event(int n, DateTime timestamp) => new(new Guid(n, 0, 0, new byte[8]))
    {
        Timestamp = timestamp,
        Provider = "anthropic",
        Model = "claude-sonnet-4-5",
        RequestId = "e" + n,
        InputTokens = n,
        StatusCode = 200,
    };

    private static List<int> ChunkCounts(string path)
    {
        var counts = new List<int>();
        using var engine = new LiteEngine(new EngineSettings { Filename = path, ReadOnly = true });
        using var reader = engine.Query(UsageSchema.Chunks, new Query());
        while (reader.Read())
        {
            counts.Add(reader.Current["n"].AsInt32);
        }

        return counts;
    }
}
