// The schema version stored in the file and the migration path.
using LiteDB;
using LiteDB.Engine;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageSchemaTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_new_file_gets_the_current_version_and_its_indexes()
    {
        Assert.Equal(3, UsageStore.SchemaVersion);
        Assert.Equal(UsageStore.SchemaVersion, _temp.Store.ReadSchemaVersion());
        _temp.Store.Write([SampleEvents.E1]);
        _temp.Store.Dispose();
        using var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true });
        Assert.Equal(3, engine.Pragma("USER_VERSION").AsInt32);
        var indexes = new List<string>();
        using (var reader = engine.Query("$indexes", new Query()))
        {
            while (reader.Read())
            {
                indexes.Add(reader.Current["collection"].AsString + "." + reader.Current["name"].AsString + (reader.Current["unique"].AsBoolean ? "!" : ""));
            }
        }

        Assert.Contains("chunks.hour", indexes);
        Assert.Contains("keys._id!", indexes);
        Assert.Contains("rollups.hour", indexes);
        Assert.Contains("labels.field", indexes);
        Assert.DoesNotContain(indexes, i => i.StartsWith("events.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_version_0_file_is_migrated()
    {
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            engine.Insert("unrelated", [new BsonDocument { ["x"] = 1 }], BsonAutoId.Int64);
        }

        Assert.Equal(3, _temp.Store.ReadSchemaVersion());
        Assert.Equal(8, _temp.Store.Write(SampleEvents.All).Inserted);
    }

    [Fact]
    public void A_version_1_file_gets_day_scoped_keys_and_still_deduplicates()
    {
        _temp.Store.Write(SampleEvents.All);
        _temp.Store.Dispose();
        LegacyStoreFiles.ConvertToSchema2(_temp.DatabasePath, keyHoldsDay: false);

        using var store = new UsageStore(_temp.DatabasePath);
        Assert.Equal(3, store.ReadSchemaVersion());
        Assert.Equal(new UsageWriteResult(0, 8, 0, 0), store.Write(SampleEvents.All));
        Assert.Equal(8, store.Count(UsageFilter.All));
        Assert.Equal(8, store.Query(UsageFilter.All).Count());
    }

    [Fact]
    public void A_version_2_file_moves_into_chunks_keeping_every_field_position_key_and_total()
    {
        // Version 2 files predate the client process fields and blocked requests: a full event as such a file could hold it.
        var full = UsageEventStorageTests.FullEvent();
        full.ClientProcessId = null;
        full.ClientProcessName = null;
        full.Blocked = false;
        var events = SampleEvents.All.Append(full).ToArray();
        _temp.Store.Write(events);
        var before = _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).ToList();
        var totals = _temp.Store.Summarize(UsageFilter.All, [UsageGroupBy.Model]);
        _temp.Store.Dispose();
        LegacyStoreFiles.ConvertToSchema2(_temp.DatabasePath);
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            Assert.Equal(2, engine.Pragma("USER_VERSION").AsInt32);
            Assert.Equal(9, engine.Query("events", new Query()).ToEnumerable().Count());
        }

        using var store = new UsageStore(_temp.DatabasePath);
        Assert.Equal(3, store.ReadSchemaVersion());
        var after = store.Query(UsageFilter.All, UsageOrder.OldestFirst).ToList();
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            UsageEventStorageTests.AssertSameEvent(before[i], after[i]);
        }

        Assert.Equivalent(totals, store.Summarize(UsageFilter.All, [UsageGroupBy.Model]), strict: true);

        // Positions carry over: the tail goes on from 9, the next event gets 10, and stored keys still deduplicate.
        Assert.Equal(9, store.GetLastPosition());
        Assert.Equal(new UsageWriteResult(0, 9, 0, 0), store.Write(events));
        var next = new UsageEvent { Timestamp = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), RequestId = "after-migration" };
        Assert.Equal(new UsageWriteResult(1, 0, 10, 10), store.Write([next]));
        Assert.Equal(["after-migration"], store.ReadAfter(9).Events.Select(e => e.RequestId));
        Assert.Equal(1, store.Remove([SampleEvents.E3]));
        Assert.Equal(9, store.Count(UsageFilter.All));
        store.Dispose();

        using var check = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true });
        Assert.DoesNotContain("events", check.GetCollectionNames());
    }

    [Fact]
    public void A_long_migration_goes_in_slices_releasing_the_lock_between_them()
    {
        // 12,000 events: batches of 5,000, 5,000 and 2,000. With a zero slice every hold of the lock moves one batch
        // and lets go (3 holds), then deletes one batch of old documents and lets go (3 more), and the seventh hold
        // drops the emptied collection and finishes.
        var start = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        _temp.Store.Import(Enumerable.Range(0, 12_000).Select(i => new UsageEvent(new Guid(i, 0, 0, new byte[8])) { Timestamp = start.AddSeconds(i * 7), RequestId = "r" + i, Model = "m" + (i % 3), InputTokens = i }));
        _temp.Store.Dispose();
        LegacyStoreFiles.ConvertToSchema2(_temp.DatabasePath);

        using var migrating = new UsageStore(_temp.DatabasePath, TimeSpan.FromSeconds(30), TimeSpan.Zero);
        Assert.Equal(3, migrating.ReadSchemaVersion());
        Assert.Equal(6, migrating.MigrationSlicesLeftUnfinished);
        Assert.Equal(12_000, migrating.Query(UsageFilter.All).Count());
        Assert.Equal(12_000, migrating.GetLastPosition());
        Assert.Equal(Enumerable.Range(0, 12_000).Sum(i => (long)i), migrating.Summarize(UsageFilter.All).Single().InputTokens);
        Assert.Equal(new UsageWriteResult(0, 1, 0, 0), migrating.Write([new UsageEvent(new Guid(11_999, 0, 0, new byte[8])) { Timestamp = start.AddSeconds(7 * 11_999), RequestId = "r11999" }]));
    }

    [Fact]
    public void Schema_2_documents_holding_the_request_id_twice_read_the_same()
    {
        // 0.1.0 previews stored the request id in "rq" as well as in the key; later schema 2 files only in the key.
        _temp.Store.Write(SampleEvents.All);
        _temp.Store.Dispose();
        LegacyStoreFiles.ConvertToSchema2(_temp.DatabasePath, alsoStoreRequestId: true);

        using var store = new UsageStore(_temp.DatabasePath);
        Assert.Equal(Enumerable.Range(1, 8), store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(SampleEvents.NumberOf));
        Assert.Equal(new UsageWriteResult(0, 8, 0, 0), store.Write(SampleEvents.All));
    }

    [Fact]
    public void A_migration_cut_short_goes_on_where_it_stopped()
    {
        // Events 1-4 were moved into chunks before the process died; all 8 are still schema 2 documents, version 2.
        _temp.Store.Write(SampleEvents.All);
        _temp.Store.Dispose();
        LegacyStoreFiles.UndoMigrationFrom(_temp.DatabasePath, fromPosition: 5);

        using var store = new UsageStore(_temp.DatabasePath);
        Assert.Equal(3, store.ReadSchemaVersion());
        Assert.Equal(Enumerable.Range(1, 8), store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(SampleEvents.NumberOf));
        Assert.Equal(8, store.GetLastPosition());
        Assert.Equal(8, store.Count(UsageFilter.All));
        Assert.Equal(new UsageWriteResult(0, 8, 0, 0), store.Write(SampleEvents.All));
        store.Dispose();
        using var check = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true });
        Assert.Equal(["chunks", "keys", "labels", "meta", "rollups"], check.GetCollectionNames().Order());
        Assert.Equal(["position"], check.Query("meta", new Query()).ToEnumerable().Select(d => d["_id"].AsString));
    }

    [Fact]
    public void A_file_from_a_newer_version_is_refused_and_left_untouched()
    {
        _temp.Store.Write(SampleEvents.All);
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            engine.Pragma("USER_VERSION", 99);
        }

        var error = Assert.Throws<UsageStoreVersionException>(() => _temp.Store.Count(UsageFilter.All));
        Assert.Equal(99, error.FileVersion);
        Assert.Contains(_temp.DatabasePath, error.Message);
        Assert.Equal(["usage.db", "usage.db.lock", "usage.db.lock-wait"], Directory.GetFiles(_temp.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Null(_temp.Store.LastRecovery);
    }
}
