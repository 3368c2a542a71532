// Schema 3 -> 4: time-ordered keys rebuilt from the chunks, resumable, and dedup the same across the migration.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LiteDB;
using LiteDB.Engine;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageKeysMigrationTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_key_of_an_id_that_is_not_time_ordered_is_the_schema_3_key()
    {
        var e = SampleEvents.E5;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(e.UniqueKey));
        var expected = ((UInt128)(uint)(e.Timestamp.Ticks / TimeSpan.TicksPerDay) << 96) | (BinaryPrimitives.ReadUInt128BigEndian(hash) & ((UInt128.One << 96) - 1));

        Assert.False(UsageKeys.IsTimeOrdered(e.Id, out _));
        Assert.Equal(expected, UsageKeys.KeyOf(e));
        Assert.Equal(expected, Schema3KeyOf(e));
    }

    [Fact]
    public void The_key_of_a_time_ordered_id_is_the_utc_day_then_the_ids_milliseconds_then_48_bits_of_the_sha256()
    {
        var e = new UsageEvent { Timestamp = new DateTime(2026, 3, 1, 17, 0, 0, DateTimeKind.Utc) };
        var id = e.Id.ToByteArray(bigEndian: true);
        Assert.Equal(7, id[6] >> 4);
        Assert.Equal(0b10, id[8] >> 6);
        var milliseconds = BinaryPrimitives.ReadUInt64BigEndian(id) >> 16;
        Assert.InRange((long)milliseconds, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(e.UniqueKey));
        var expected = ((UInt128)(uint)(e.Timestamp.Ticks / TimeSpan.TicksPerDay) << 96)
            | ((UInt128)milliseconds << 48)
            | (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 16);

        Assert.Equal(expected, UsageKeys.KeyOf(e));
    }

    [Fact]
    public void The_same_id_on_the_same_utc_day_has_one_key_and_new_events_keys_follow_their_creation_order()
    {
        var e = new UsageEvent { Timestamp = new DateTime(2026, 3, 1, 0, 0, 1, DateTimeKind.Utc) };
        var later = new UsageEvent(e.Id) { Timestamp = new DateTime(2026, 3, 1, 23, 59, 59, DateTimeKind.Utc) };
        var local = new UsageEvent(e.Id) { Timestamp = e.Timestamp.ToLocalTime() };
        var nextDay = new UsageEvent(e.Id) { Timestamp = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc) };
        Assert.Equal(UsageKeys.KeyOf(e), UsageKeys.KeyOf(later));
        Assert.Equal(UsageKeys.KeyOf(e), UsageKeys.KeyOf(local));
        Assert.NotEqual(UsageKeys.KeyOf(e), UsageKeys.KeyOf(nextDay));

        var made = new List<UsageEvent>();
        for (var i = 0; i < 5; i++)
        {
            made.Add(new UsageEvent { Timestamp = e.Timestamp });
            Thread.Sleep(2);
        }

        Assert.Equal(made.Select(UsageKeys.KeyOf), made.Select(UsageKeys.KeyOf).Order());
    }

    [Fact]
    public void A_version_3_file_is_upgraded_on_open_and_only_time_ordered_ids_get_new_keys()
    {
        var timeOrdered = Spread(8, TimeSpan.FromHours(2.5), first: 100).Where((_, i) => i % 2 == 0).ToList();
        Assert.All(timeOrdered, e => Assert.True(UsageKeys.IsTimeOrdered(e.Id, out _)));
        UsageEvent[] events = [.. SampleEvents.All, .. timeOrdered];
        _temp.Store.Write(events);
        _temp.Store.Dispose();
        MakeSchema3(_temp.DatabasePath, events, stale: 12345);

        using var store = new UsageStore(_temp.DatabasePath);
        Assert.Equal(4, store.ReadSchemaVersion());
        store.Dispose();
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true }))
        {
            // The sample events' ids are not time-ordered: their keys stay; the stale key of no event stays unused.
            Assert.Equal(events.Select(UsageKeys.KeyOf).Append((UInt128)12345).Order(), StoredKeys(engine));
            Assert.Equal(SampleEvents.All.Select(Schema3KeyOf), SampleEvents.All.Select(UsageKeys.KeyOf));
            Assert.DoesNotContain(timeOrdered.Select(Schema3KeyOf), StoredKeys(engine).Contains);
            Assert.Equal(0, UsageWriter.ReadMeta(engine, UsageKeysMigration.Progress));
        }

        // A retried write, and a re-import of the events as read back, are still duplicates.
        using var reopened = new UsageStore(_temp.DatabasePath);
        Assert.Equal(new UsageWriteResult(0, 12, 0, 0), reopened.Write(events));
        Assert.Equal(new UsageImportResult(0, 12), reopened.Import(reopened.Query(UsageFilter.All).ToList()));
        Assert.Equal(12, reopened.Count(UsageFilter.All));
        Assert.Equal(new UsageWriteResult(1, 1, 13, 13), reopened.Write([timeOrdered[0], Copy(timeOrdered[0], Guid.NewGuid())]));
    }

    [Fact]
    public void A_keys_migration_cut_short_at_its_deadline_goes_on_where_it_stopped()
    {
        // 3,000 events over 6 hours: 500 an hour, two chunks each, twelve chunks; every other id time-ordered.
        var events = Spread(3000, TimeSpan.FromSeconds(7.2));
        _temp.Store.Write(events);
        _temp.Store.Dispose();
        MakeSchema3(_temp.DatabasePath, events, stale: 7);
        var byId = events.ToDictionary(e => e.Id);

        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            var chunks = ChunkEvents(engine);
            Assert.Equal(12, chunks.Count);

            // Deadline long past: each call does one transaction of five chunks and stops.
            Assert.False(UsageKeysMigration.Run(engine, deadline: 0, chunksPerTransaction: 5));
            Assert.Equal(chunks[4].Id, UsageWriter.ReadMeta(engine, UsageKeysMigration.Progress));
            Assert.Equal(KeysAfter(chunks, 5, byId), StoredKeys(engine));
            Assert.Equal(3, UsageSchema.ReadVersion(engine));

            Assert.False(UsageKeysMigration.Run(engine, deadline: 0, chunksPerTransaction: 5));
            Assert.Equal(chunks[9].Id, UsageWriter.ReadMeta(engine, UsageKeysMigration.Progress));
            Assert.Equal(KeysAfter(chunks, 10, byId), StoredKeys(engine));
        }

        // The rest when the file is next opened, by the store's own step.
        using var store = new UsageStore(_temp.DatabasePath);
        Assert.Equal(4, store.ReadSchemaVersion());
        store.Dispose();
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true }))
        {
            Assert.Equal(events.Select(UsageKeys.KeyOf).Append((UInt128)7).Order(), StoredKeys(engine));
            Assert.Equal(1500, events.Count(e => UsageKeys.KeyOf(e) != Schema3KeyOf(e)));
            Assert.Equal(0, UsageWriter.ReadMeta(engine, UsageKeysMigration.Progress));
        }

        using var reopened = new UsageStore(_temp.DatabasePath);
        Assert.Equal(new UsageWriteResult(0, 3000, 0, 0), reopened.Write(events));
        Assert.Equal(3000, reopened.Count(UsageFilter.All));
    }

    [Fact]
    public void A_store_migrating_in_slices_lets_go_of_the_lock_between_them_and_keeps_every_event_once()
    {
        // 10,000 events over 96 hours: 96 chunks, two transactions of the step's 64.
        var events = Spread(10_000, TimeSpan.FromSeconds(34.56));
        _temp.Store.Write(events);
        _temp.Store.Dispose();
        MakeSchema3(_temp.DatabasePath, events);

        using var store = new UsageStore(_temp.DatabasePath, null, migrationSlice: TimeSpan.Zero);
        Assert.Equal(10_000, store.Count(UsageFilter.All));
        Assert.Equal(1, store.MigrationSlicesLeftUnfinished);
        Assert.Equal(4, store.ReadSchemaVersion());
        var retried = events.Take(500).Concat(Spread(3, TimeSpan.FromSeconds(1), first: 20_000)).ToList();
        Assert.Equal(new UsageWriteResult(3, 500, 10_001, 10_003), store.Write(retried));
        Assert.Equal(10_003, store.Query(UsageFilter.All).Count());
        Assert.Equal(10_003, store.Count(UsageFilter.All));
    }

    /// <summary>Turns a file this engine wrote into the schema 3 layout: keys of day and 96 hash bits, version 3.</summary>
    private static void MakeSchema3(string path, IEnumerable<UsageEvent> events, ulong? stale = null)
    {
        using var engine = new LiteEngine(new EngineSettings { Filename = path });
        engine.DropCollection(UsageSchema.Keys);
        var keys = events.Select(Schema3KeyOf).ToList();
        if (stale is { } value)
        {
            // A key an earlier engine made from a provider id: it belongs to no event.
            keys.Add(value);
        }

        engine.Insert(UsageSchema.Keys, keys.Select(k => new BsonDocument { ["_id"] = UsageKeys.ToBson(k) }), BsonAutoId.Int64);
        engine.Pragma("USER_VERSION", 3);
    }

    /// <summary>The keys once the first <paramref name="done"/> chunks are migrated (the stale key 7 included).</summary>
    private static List<UInt128> KeysAfter(List<(long Id, List<Guid> Ids)> chunks, int done, Dictionary<Guid, UsageEvent> byId) =>
        chunks.SelectMany((c, i) => c.Ids.Select(id => i < done ? UsageKeys.KeyOf(byId[id]) : Schema3KeyOf(byId[id]))).Append((UInt128)7).Order().ToList();

    private static UInt128 Schema3KeyOf(UsageEvent e)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(e.UniqueKey));
        BinaryPrimitives.WriteUInt32BigEndian(hash, (uint)(e.Timestamp.Ticks / TimeSpan.TicksPerDay));
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    private static List<UInt128> StoredKeys(LiteEngine engine) =>
        engine.Query(UsageSchema.Keys, new Query()).ToEnumerable().Select(d => UsageKeys.FromBson(d["_id"])).Order().ToList();

    private static List<(long Id, List<Guid> Ids)> ChunkEvents(LiteEngine engine) =>
        engine.Query(UsageSchema.Chunks, new Query()).ToEnumerable()
            .Select(d =>
            {
                var events = new List<StoredEvent>();
                UsageChunkDocument.ReadEvents(d.AsDocument, events);
                return (UsageChunkDocument.IdOf(d.AsDocument), events.Select(e => e.Event.Id).ToList());
            })
            .OrderBy(c => c.Item1)
            .ToList();

    /// <summary>Events <paramref name="step"/> apart; even numbers get time-ordered ids, odd ones random-looking ones.</summary>
    private static List<UsageEvent> Spread(int count, TimeSpan step, int first = 0) =>
        Enumerable.Range(first, count).Select(i => new UsageEvent
        {
            Id = i % 2 == 0 ? TimeOrderedId(i) : new Guid(i + 1, 7, 7, new byte[8]),
            Timestamp = Start.AddTicks(step.Ticks * i),
            Provider = "anthropic",
            Model = "claude-sonnet-4-5",
            App = "claude-code",
            InputTokens = 10,
            StatusCode = 200,
            RequestId = "r" + i,
        }).ToList();

    private static Guid TimeOrderedId(int i)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (1_770_000_000_000UL + (ulong)i) << 16);
        bytes[6] = 0x70;
        bytes[8] = 0x80;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), i);
        return new Guid(bytes, bigEndian: true);
    }

    private static UsageEvent Copy(UsageEvent e, Guid? id = null) => new()
    {
        Id = id ?? e.Id,
        Timestamp = e.Timestamp,
        Provider = e.Provider,
        Model = e.Model,
        App = e.App,
        RequestId = e.RequestId,
        InputTokens = e.InputTokens,
        StatusCode = e.StatusCode,
    };
}
