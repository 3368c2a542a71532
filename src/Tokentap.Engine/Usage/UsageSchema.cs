// Collection names, indexes and the schema version of the usage database, with the steps that migrate older files.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// The schema version lives in the LiteDB header (USER_VERSION pragma). Version 0 is a new or empty file. Each
/// migration step brings a file from version N-1 to N and must be safe to run again if interrupted, because the
/// version is written only after the step has completed.
/// </summary>
internal static class UsageSchema
{
    /// <summary>The version this engine writes.</summary>
    public const int CurrentVersion = 3;

    /// <summary>Schema 1 and 2: one document per event (moved into chunks by version 3).</summary>
    public const string LegacyEvents = "events";

    /// <summary>Events, many to a document (see <see cref="UsageChunkDocument"/>).</summary>
    public const string Chunks = "chunks";

    /// <summary>The key of every event (<see cref="UsageKeys.KeyOf"/>) as _id: what makes a retried write or a re-import count once.</summary>
    public const string Keys = "keys";

    /// <summary>Single values of the store (the last position given).</summary>
    public const string Meta = "meta";

    public const string Rollups = "rollups";
    public const string Values = "labels";

    private const string VersionPragma = "USER_VERSION";

    // Each step brings a file from version N-1 to N; it returns false when it stopped at the deadline with work left
    // (only the chunk migration does: the lock is then released for a moment and the step goes on after it).
    private static readonly Func<LiteEngine, long, bool>[] Steps =
    [
        (engine, _) => Done(CreateVersion1, engine),
        (engine, _) => Done(ScopeKeysToDay, engine),
        MoveEventsToChunks,
    ];

    // Version 3 moves events over in transactions of this many, so an interrupted migration resumes where it stopped.
    private const int MigrationBatch = 5000;
    private const string MigratedThrough = "migrated-through";

    public static int ReadVersion(LiteEngine engine) => engine.Pragma(VersionPragma).AsInt32;

    /// <summary>
    /// Brings the open file to <see cref="CurrentVersion"/>; refuses files from a newer engine. Returns false when a
    /// step stopped at <paramref name="deadline"/> (a <see cref="Environment.TickCount64"/> value) with work left: the
    /// caller then lets other processes have the lock for a moment and calls again, so a long migration never holds
    /// the lock longer than a unit of work should.
    /// </summary>
    public static bool Upgrade(LiteEngine engine, string databasePath, long deadline = long.MaxValue)
    {
        var version = ReadVersion(engine);
        if (version > CurrentVersion)
        {
            throw new UsageStoreVersionException(databasePath, version, CurrentVersion);
        }

        // A new file (or one without events) gets the current layout at once instead of building and dropping the old one.
        if (version == 0 && !engine.GetCollectionNames().Contains(LegacyEvents, StringComparer.OrdinalIgnoreCase))
        {
            CreateCurrent(engine);
            engine.Pragma(VersionPragma, CurrentVersion);
            return true;
        }

        for (; version < CurrentVersion; version++)
        {
            if (!Steps[version](engine, deadline))
            {
                return false;
            }

            engine.Pragma(VersionPragma, version + 1);
        }

        return true;
    }

    private static bool Done(Action<LiteEngine> step, LiteEngine engine)
    {
        step(engine);
        return true;
    }

    private static void CreateCurrent(LiteEngine engine)
    {
        EnsureChunkIndex(engine);
        EnsureRollupAndLabelIndexes(engine);
    }

    private static void EnsureChunkIndex(LiteEngine engine) =>
        engine.EnsureIndex(Chunks, "hour", BsonExpression.Create("$." + UsageChunkDocument.Hour), unique: false);

    private static void EnsureRollupAndLabelIndexes(LiteEngine engine)
    {
        engine.EnsureIndex(Rollups, "hour", BsonExpression.Create("$." + UsageRollupDocument.Hour), unique: false);
        engine.EnsureIndex(Values, "field", BsonExpression.Create("$." + UsageLabelDocument.Field), unique: false);
    }

    private static void CreateVersion1(LiteEngine engine)
    {
        engine.EnsureIndex(LegacyEvents, "key", BsonExpression.Create("$." + LegacyEventDocument.Key), unique: true);
        engine.EnsureIndex(LegacyEvents, "time", BsonExpression.Create("$." + LegacyEventDocument.Order), unique: true);
        EnsureRollupAndLabelIndexes(engine);
    }

    /// <summary>Version 2: unique keys carry the event's UTC day in front (see UsageKeys.StoredKey).</summary>
    private static void ScopeKeysToDay(LiteEngine engine)
    {
        var changed = new List<BsonDocument>();
        using (var reader = engine.Query(LegacyEvents, new Query()))
        {
            while (reader.Read())
            {
                var document = reader.Current.AsDocument;
                var key = UsageKeys.StoredKey(LegacyEventDocument.FromDocument(document));
                if (document[LegacyEventDocument.Key].AsString != key)
                {
                    document[LegacyEventDocument.Key] = key;
                    changed.Add(document);
                }
            }
        }

        foreach (var chunk in changed.Chunk(1000))
        {
            engine.Update(LegacyEvents, chunk);
        }
    }

    /// <summary>
    /// Version 3: events move from one document each into chunks of their hour, keeping their positions; their keys
    /// go to the keys collection. Each batch is one transaction that also records the last document moved, so a
    /// migration cut short (a killed process, or the deadline of one hold of the lock) goes on after it the next time;
    /// the old documents are then deleted in batches as well. Rollups and labels describe the same events and stay.
    /// </summary>
    private static bool MoveEventsToChunks(LiteEngine engine, long deadline)
    {
        EnsureChunkIndex(engine);
        var moved = UsageWriter.ReadMeta(engine, MigratedThrough);
        while (true)
        {
            var query = new Query { OrderBy = BsonExpression.Create("$._id"), Limit = MigrationBatch };
            query.Where.Add(BsonExpression.Create("$._id > @0", moved));
            var events = new List<StoredEvent>();
            using (var reader = engine.Query(LegacyEvents, query))
            {
                while (reader.Read())
                {
                    var document = reader.Current.AsDocument;
                    events.Add(new StoredEvent(LegacyEventDocument.PositionOf(document), LegacyEventDocument.FromDocument(document)));
                }
            }

            if (events.Count == 0)
            {
                break;
            }

            moved = events[^1].Position;
            try
            {
                MoveBatch(engine, events, moved, upsertKeys: false);
            }
            catch (LiteException ex) when (ex.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
                // Schema 2 keys are unique, so only a file edited by hand gets here: its events are kept as they were, the key once.
                MoveBatch(engine, events, moved, upsertKeys: true);
            }

            if (Environment.TickCount64 >= deadline)
            {
                return false;
            }
        }

        // Every event is in a chunk now. The old documents go in batches too (dropping a collection of a million
        // documents in one go would hold the lock for most of a minute); the emptied collection is then dropped.
        while (true)
        {
            var ids = new List<BsonValue>(MigrationBatch);
            using (var reader = engine.Query(LegacyEvents, new Query { Select = BsonExpression.Create("{ _id: $._id }"), Limit = MigrationBatch }))
            {
                while (reader.Read())
                {
                    ids.Add(reader.Current["_id"]);
                }
            }

            if (ids.Count == 0)
            {
                break;
            }

            engine.Delete(LegacyEvents, ids);
            if (Environment.TickCount64 >= deadline)
            {
                return false;
            }
        }

        engine.DropCollection(LegacyEvents);
        engine.Delete(Meta, [MigratedThrough]);
        return true;
    }

    private static void MoveBatch(LiteEngine engine, List<StoredEvent> events, long moved, bool upsertKeys)
    {
        engine.BeginTrans();
        try
        {
            var keys = events.Select(e => new BsonDocument { ["_id"] = UsageKeys.ToBson(UsageKeys.KeyOf(e.Event)) });
            if (upsertKeys)
            {
                engine.Upsert(Keys, keys, BsonAutoId.Int64);
            }
            else
            {
                engine.Insert(Keys, keys, BsonAutoId.Int64);
            }

            UsageWriter.Append(engine, events);
            UsageWriter.SetLastPosition(engine, Math.Max(UsageWriter.LastPosition(engine), moved));
            UsageWriter.WriteMeta(engine, MigratedThrough, moved);
            engine.Commit();
        }
        catch
        {
            engine.Rollback();
            throw;
        }
    }
}
