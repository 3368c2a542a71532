// The event key, and schema 3 and 4 files (with a keys collection) reaching schema 5 (without one) unchanged otherwise.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LiteDB;
using LiteDB.Engine;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageKeysRemovalTests : IDisposable
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
    public void The_same_id_on_the_same_utc_day_has_one_key()
    {
        var e = new UsageEvent { Timestamp = new DateTime(2026, 3, 1, 0, 0, 1, DateTimeKind.Utc) };
        var later = new UsageEvent(e.Id) { Timestamp = new DateTime(2026, 3, 1, 23, 59, 59, DateTimeKind.Utc) };
        var local = new UsageEvent(e.Id) { Timestamp = e.Timestamp.ToLocalTime() };
        var nextDay = new UsageEvent(e.Id) { Timestamp = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc) };
        Assert.Equal(UsageKeys.KeyOf(e), UsageKeys.KeyOf(later));
        Assert.Equal(UsageKeys.KeyOf(e), UsageKeys.KeyOf(local));
        Assert.NotEqual(UsageKeys.KeyOf(e), UsageKeys.KeyOf(nextDay));
    }

    [Fact]
    public void A_new_file_has_no_keys_collection()
    {
        _temp.Store.Write(SampleEvents.All);
        _temp.Store.Dispose();
        using var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true });

        Assert.Equal(5, UsageSchema.ReadVersion(engine));
        Assert.DoesNotContain(UsageSchema.Keys, engine.GetCollectionNames());
    }

    [Fact]
    public void A_version_4_file_with_events_reaches_version_5_without_its_keys_and_with_its_events_totals_and_positions()
    {
        // 3,000 events over 30 hours (two days), every other id time-ordered, with the keys schema 4 stored.
        var events = Spread(3000, TimeSpan.FromSeconds(36));
        Assert.Equal(3000, _temp.Store.Write(events).Inserted);
        var before = Snapshot(_temp.Store);
        _temp.Store.Dispose();
        MakeSchema(_temp.DatabasePath, 4, events.Select(UsageKeys.KeyOf));
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true }))
        {
            Assert.Equal(3000, engine.Query(UsageSchema.Keys, new Query()).ToEnumerable().Count());
            Assert.Equal(before.Chunks, ChunkPositions(engine));
        }

        using (var store = new UsageStore(_temp.DatabasePath))
        {
            Assert.Equal(5, store.ReadSchemaVersion());
            Assert.Equal(before, Snapshot(store));
        }

        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true }))
        {
            Assert.Equal(5, UsageSchema.ReadVersion(engine));
            Assert.DoesNotContain(UsageSchema.Keys, engine.GetCollectionNames());
            Assert.DoesNotContain(engine.Query("$indexes", new Query()).ToEnumerable(), i => i["collection"].AsString == UsageSchema.Keys);
        }

        // Without the keys, a retried write and a re-import of the events as read back are still duplicates, and the
        // next event gets the next position.
        using var reopened = new UsageStore(_temp.DatabasePath);
        Assert.Equal(new UsageWriteResult(0, 3000, 0, 0), reopened.Write(events));
        Assert.Equal(new UsageImportResult(0, 3000), reopened.Import(reopened.Query(UsageFilter.All).ToList()));
        Assert.Equal(new UsageWriteResult(1, 1, 3001, 3001), reopened.Write([events[1500], Copy(events[1500], Guid.NewGuid())]));
        Assert.Equal(3001, reopened.Count(UsageFilter.All));
    }

    [Fact]
    public void A_version_3_file_reaches_version_5_also_after_an_older_engine_stopped_in_its_keys_step()
    {
        var timeOrdered = Spread(8, TimeSpan.FromHours(2.5), first: 100).Where((_, i) => i % 2 == 0).ToList();
        Assert.All(timeOrdered, e => Assert.True(UsageKeys.IsTimeOrdered(e.Id, out _)));
        UsageEvent[] events = [.. SampleEvents.All, .. timeOrdered];
        _temp.Store.Write(events);
        var before = Snapshot(_temp.Store);
        _temp.Store.Dispose();

        // Schema 3 keys (a stale one of no event among them), and the progress mark of a schema 4 engine's unfinished step.
        MakeSchema(_temp.DatabasePath, 3, events.Select(Schema3KeyOf).Append((UInt128)12345));
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            UsageWriter.WriteMeta(engine, UsageKeysRemoval.OlderProgress, 42);
        }

        using (var store = new UsageStore(_temp.DatabasePath))
        {
            Assert.Equal(5, store.ReadSchemaVersion());
            Assert.Equal(before, Snapshot(store));
        }

        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true }))
        {
            Assert.DoesNotContain(UsageSchema.Keys, engine.GetCollectionNames());
            Assert.Equal(0, UsageWriter.ReadMeta(engine, UsageKeysRemoval.OlderProgress));
        }

        // Time-ordered ids, whose keys schema 3 and 4 stored differently, are duplicates like the others.
        using var reopened = new UsageStore(_temp.DatabasePath);
        Assert.Equal(new UsageWriteResult(0, 12, 0, 0), reopened.Write(events));
        Assert.Equal(new UsageImportResult(0, 12), reopened.Import(reopened.Query(UsageFilter.All).ToList()));
        Assert.Equal(new UsageWriteResult(1, 1, 13, 13), reopened.Write([timeOrdered[0], Copy(timeOrdered[0], Guid.NewGuid())]));
    }

    [Fact]
    public void The_step_run_again_after_it_was_cut_off_before_the_version_was_written_finishes()
    {
        _temp.Store.Write(SampleEvents.All);
        _temp.Store.Dispose();
        MakeSchema(_temp.DatabasePath, 4, SampleEvents.All.Select(UsageKeys.KeyOf));
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            // Killed after the drop, before the version: the file says 4 and has no keys.
            Assert.True(UsageKeysRemoval.Run(engine, long.MaxValue));
            Assert.Equal(4, UsageSchema.ReadVersion(engine));
            Assert.True(UsageKeysRemoval.Run(engine, deadline: 0));
            Assert.DoesNotContain(UsageSchema.Keys, engine.GetCollectionNames());
        }

        using var store = new UsageStore(_temp.DatabasePath);
        Assert.Equal(5, store.ReadSchemaVersion());
        Assert.Equal(new UsageWriteResult(0, 8, 0, 0), store.Write(SampleEvents.All));
        Assert.Equal(8, store.Count(UsageFilter.All));
    }

    /// <summary>Turns a file this engine wrote into an older layout: the given keys in a keys collection, and the version.</summary>
    private static void MakeSchema(string path, int version, IEnumerable<UInt128> keys)
    {
        using var engine = new LiteEngine(new EngineSettings { Filename = path });
        engine.Insert(UsageSchema.Keys, keys.Select(k => new BsonDocument { ["_id"] = KeyBson(k) }), BsonAutoId.Int64);
        engine.Pragma("USER_VERSION", version);
    }

    /// <summary>A key as schema 3 and 4 stored it: 16 bytes, big-endian.</summary>
    private static BsonValue KeyBson(UInt128 key)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, key);
        return new BsonValue(bytes);
    }

    private static UInt128 Schema3KeyOf(UsageEvent e)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(e.UniqueKey));
        BinaryPrimitives.WriteUInt32BigEndian(hash, (uint)(e.Timestamp.Ticks / TimeSpan.TicksPerDay));
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    /// <summary>What a migration must not change: every event as read back, the totals, the positions and the last one.</summary>
    private static StoreState Snapshot(UsageStore store)
    {
        var events = store.Query(UsageFilter.All, UsageOrder.OldestFirst)
            .Select(e => $"{e.Id:N} {e.Timestamp:O} {e.RequestId} {e.InputTokens} {e.Model} {e.App}")
            .ToList();
        var totals = store.Summarize(UsageFilter.All).Single();
        var last = store.GetLastPosition();

        // The store holds the file only inside its units of work.
        using var engine = new LiteEngine(new EngineSettings { Filename = store.DatabasePath, ReadOnly = true });
        return new StoreState(string.Join("\n", events), (totals.Requests, totals.InputTokens, totals.OutputTokens), last, ChunkPositions(engine));
    }

    private static List<(long Position, Guid Id)> ChunkPositions(LiteEngine engine) =>
        engine.Query(UsageSchema.Chunks, new Query()).ToEnumerable()
            .SelectMany(d =>
            {
                var events = new List<StoredEvent>();
                UsageChunkDocument.ReadEvents(d.AsDocument, events);
                return events.Select(e => (e.Position, e.Event.Id));
            })
            .OrderBy(p => p.Position)
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
            InputTokens = 10 + i,
            OutputTokens = i % 7,
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

    private sealed record StoreState(string Events, (long Requests, long Input, long Output) Totals, long LastPosition, List<(long Position, Guid Id)> Chunks)
    {
        public bool Equals(StoreState? other) =>
            other is not null && Events == other.Events && Totals == other.Totals && LastPosition == other.LastPosition && Chunks.SequenceEqual(other.Chunks);

        public override int GetHashCode() => HashCode.Combine(Events, Totals, LastPosition, Chunks.Count);
    }
}
