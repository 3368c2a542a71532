// One damaged page hides nothing else: after a damaged file is set aside, every event in its undamaged pages is
// copied into the fresh store, with counts of saved and lost events.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreSalvageTests : IDisposable
{
    private const int PageSize = 8192;
    private static readonly DateTime Start = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_event_outside_the_damaged_pages_comes_back_and_the_counts_are_reported(bool truncate)
    {
        var events = Enumerable.Range(0, 2000).Select(Event).ToList();
        Assert.Equal(new UsageImportResult(2000, 0), _temp.Store.Import(events));
        _temp.Store.Dispose();

        // Which pages each chunk's bytes lie in, read from the intact file (every event is found there).
        var chunks = UsagePageReader.ReadDocuments(_temp.DatabasePath, null)
            .Where(d => d.Document.ContainsKey(UsageChunkDocument.Data))
            .Select(d =>
            {
                var inChunk = new List<StoredEvent>();
                UsageChunkDocument.ReadEvents(d.Document, inChunk);
                return (d.Pages, Ids: inChunk.Select(e => e.Event.Id).ToList());
            })
            .ToList();
        Assert.Equal(2000, chunks.Sum(c => c.Ids.Count));

        var length = new FileInfo(_temp.DatabasePath).Length;
        HashSet<uint> damagedPages;
        if (truncate)
        {
            var cut = length / 2 / PageSize * PageSize;
            using var stream = new FileStream(_temp.DatabasePath, FileMode.Open);
            stream.SetLength(cut);
            damagedPages = Enumerable.Range((int)(cut / PageSize), (int)(length / PageSize)).Select(p => (uint)p).ToHashSet();
        }
        else
        {
            // In the middle of the pages that hold events (the middle of the file holds the keys index).
            var garbage = new byte[20 * 1024];
            new Random(15).NextBytes(garbage);
            var chunkPages = chunks.SelectMany(c => c.Pages).Distinct().Order().ToList();
            var offset = (long)chunkPages[chunkPages.Count / 2] * PageSize + 1000 - garbage.Length / 2;
            using (var stream = new FileStream(_temp.DatabasePath, FileMode.Open))
            {
                stream.Position = offset;
                stream.Write(garbage);
            }

            damagedPages = Enumerable.Range((int)(offset / PageSize), (int)((offset + garbage.Length - 1) / PageSize - offset / PageSize + 1)).Select(p => (uint)p).ToHashSet();
        }

        var expected = chunks.Where(c => !c.Pages.Any(damagedPages.Contains)).SelectMany(c => c.Ids).ToHashSet();
        Assert.InRange(expected.Count, 1, 1999);

        using var store = new UsageStore(_temp.DatabasePath);
        var salvaged = new TaskCompletionSource<UsageStoreSalvage>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Salvaged += s => salvaged.TrySetResult(s);
        // Damage in index pages can go unnoticed by a reader (LiteDB ends the scan early): the next write finds it.
        var written = 0;
        try
        {
            store.Query(UsageFilter.All).ToList();
            store.Write([new UsageEvent { Timestamp = Start, Provider = "openai" }]);
            written = 1;
        }
        catch (UsageStoreDamagedException)
        {
        }

        var report = await salvaged.Task.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Null(report.Error);
        Assert.Equal(store.LastRecovery!.MovedTo, report.DamagedFile);
        Assert.Equal((long)expected.Count, report.Saved);
        // Lost is counted against the file's hourly rollup rows that could be read: exact unless they were cut off too.
        if (truncate)
        {
            Assert.InRange(report.Lost, 0L, 2000L - expected.Count);
        }
        else
        {
            Assert.Equal(2000L - expected.Count, report.Lost);
        }

        Assert.Equal(report, store.LastSalvage);

        var back = store.Query(UsageFilter.All, UsageOrder.OldestFirst).Where(e => e.Provider != "openai" || e.RequestId is not null).ToList();
        Assert.Equal(expected.Order(), back.Select(e => e.Id).Order());
        var originals = events.ToDictionary(e => e.Id);
        foreach (var e in back)
        {
            UsageEventStorageTests.AssertSameEvent(originals[e.Id], e);
        }

        Assert.Equal(expected.Count + written, store.Count(UsageFilter.All));
    }

    private static UsageEvent Event(int i) => new(new Guid(i + 1, 0, 0, new byte[8]))
    {
        Timestamp = Start.AddMinutes(i),
        Provider = i % 3 == 0 ? "anthropic" : "openai",
        Host = "api.example.com",
        Endpoint = "messages",
        Model = "model-" + (i % 7),
        InputTokens = 1000 + i,
        OutputTokens = 10 + (i % 50),
        Cost = 0.001m * (i % 13),
        StatusCode = 200,
        DurationMs = 100 + i,
        App = "app-" + (i % 4),
        Session = "s" + (i % 5),
        RequestId = "salvage-" + i,
    };
}
