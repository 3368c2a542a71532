// Damage in LiteDB's index pages: a query never returns a silently shortened history; the file is set aside and its
// events (all in undamaged data pages) are salvaged.
using System.Buffers.Binary;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreIndexDamageTests : IDisposable
{
    private const int PageSize = 8192;
    private const byte IndexPage = 3;
    private static readonly DateTime Start = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Every_destroyed_index_page_leaves_a_query_complete_or_set_aside_with_all_2000_events_salvaged()
    {
        var events = Enumerable.Range(0, 2000).Select(Event).ToList();
        Assert.Equal(new UsageImportResult(2000, 0), _temp.Store.Import(events));
        _temp.Store.Dispose();
        var intact = File.ReadAllBytes(_temp.DatabasePath);

        // The collection of the chunks: the page header's collection id (offset 19) of the data pages holding them.
        var chunkCollection = UsagePageReader.ReadDocuments(_temp.DatabasePath, null)
            .Where(d => d.Document.ContainsKey(UsageChunkDocument.Data))
            .Select(d => BinaryPrimitives.ReadUInt32LittleEndian(intact.AsSpan((int)d.Pages[0] * PageSize + 19)))
            .Distinct()
            .Single();
        var indexPages = Enumerable.Range(0, intact.Length / PageSize).Where(p => intact[p * PageSize + 4] == IndexPage).ToList();
        var chunkIndexPages = indexPages.Where(p => BinaryPrimitives.ReadUInt32LittleEndian(intact.AsSpan(p * PageSize + 19)) == chunkCollection).ToList();
        // 34 hours of events in 34 chunks: the chunks' _id index and their hour index, a page each.
        Assert.Equal(2, chunkIndexPages.Count);

        var setAside = new List<int>();
        var originals = events.ToDictionary(e => e.Id);
        foreach (var page in indexPages)
        {
            var folder = Path.Combine(_temp.Folder, "page-" + page);
            Directory.CreateDirectory(folder);
            var database = Path.Combine(folder, "usage.db");
            var damaged = (byte[])intact.Clone();
            new Random(page).NextBytes(damaged.AsSpan(page * PageSize, PageSize));
            File.WriteAllBytes(database, damaged);

            using var store = new UsageStore(database);
            var salvaged = new TaskCompletionSource<UsageStoreSalvage>(TaskCreationOptions.RunContinuationsAsynchronously);
            store.Salvaged += s => salvaged.TrySetResult(s);
            var read = new List<UsageEvent>();
            try
            {
                read.AddRange(store.Query(UsageFilter.All));
            }
            catch (UsageStoreDamagedException error)
            {
                // The query says what it met and where the file went; the salvage then brings back every event.
                Assert.Equal(store.LastRecovery, error.Recovery);
                var report = await salvaged.Task.WaitAsync(TimeSpan.FromSeconds(120));
                Assert.Equal((2000L, 0L, (string?)null), (report.Saved, report.Lost, report.Error));
                read = store.Query(UsageFilter.All).ToList();
                setAside.Add(page);
            }

            // Either way the whole history is there, event for event.
            Assert.Equal(2000, read.Count);
            foreach (var e in read)
            {
                UsageEventStorageTests.AssertSameEvent(originals[e.Id], e);
            }
        }

        // A query walks the chunks' hour index: destroying its page is noticed (it once gave 0 events and no error).
        Assert.Contains(setAside, chunkIndexPages.Contains);
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
        RequestId = "index-" + i,
    };
}
