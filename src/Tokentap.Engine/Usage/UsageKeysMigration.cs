// Schema step 3 -> 4: the keys collection rebuilt with time-ordered keys from the events in the chunks, in slices.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Brings a schema 3 file to schema 4, whose event keys put the time of day before the hash (see
/// <see cref="UsageKeys.KeyOf"/>). The new keys are built into a collection of their own from the events in the chunks
/// (the chunks are the record; the old keys only mirror them), in transactions of a few chunks in _id order, each
/// recording the highest chunk _id done, so a step stopped at its deadline or killed goes on where it was. Once every
/// chunk is done the old collection is dropped and the new one takes its name; each of those is safe to repeat, so an
/// interruption anywhere only repeats work. A chunk rewritten meanwhile by an older engine (it gets a higher _id) is
/// read again, and its keys are upserted, so that costs nothing either.
/// </summary>
internal static class UsageKeysMigration
{
    /// <summary>The collection the new keys are built in, renamed to <see cref="UsageSchema.Keys"/> at the end.</summary>
    public const string Building = "keys_v4";

    /// <summary>The meta value that holds the highest chunk _id whose keys are built (<see cref="Built"/> when all are).</summary>
    public const string Progress = "keys_v4";

    /// <summary>The progress once every chunk's keys are built and only the swap of the collections may be left.</summary>
    public const long Built = -1;

    /// <summary>Chunks read per transaction (up to 256 events each): short enough to stop near a deadline.</summary>
    public const int ChunksPerTransaction = 32;

    public static bool Run(LiteEngine engine, long deadline) => Run(engine, deadline, ChunksPerTransaction);

    /// <summary>
    /// Builds and swaps the keys; false when <paramref name="deadline"/> (a <see cref="Environment.TickCount64"/>
    /// value) passed with chunks left. Each call does at least one transaction of work, so every slice makes progress.
    /// </summary>
    internal static bool Run(LiteEngine engine, long deadline, int chunksPerTransaction)
    {
        while (UsageWriter.ReadMeta(engine, Progress) is var done && done != Built)
        {
            BuildSome(engine, done, chunksPerTransaction);
            if (Environment.TickCount64 >= deadline && UsageWriter.ReadMeta(engine, Progress) != Built)
            {
                return false;
            }
        }

        // Neither command can share a transaction with the other (a rename needs none open), so each is made safe to
        // repeat: the new keys exist under their own name until the rename, and the old ones go only while they do.
        if (Exists(engine, Building))
        {
            engine.DropCollection(UsageSchema.Keys);
            engine.RenameCollection(Building, UsageSchema.Keys);
        }

        engine.Delete(UsageSchema.Meta, [new BsonValue(Progress)]);
        return true;
    }

    /// <summary>One transaction: the keys of the next chunks after <paramref name="done"/>, and the new progress.</summary>
    private static void BuildSome(LiteEngine engine, long done, int chunksPerTransaction)
    {
        engine.BeginTrans();
        LiteDbFinalizerGuard.Protect(engine);
        try
        {
            var query = new Query { Limit = chunksPerTransaction, OrderBy = BsonExpression.Create("$._id") };
            query.Where.Add(BsonExpression.Create("$._id > @0", done));
            var keys = new List<BsonDocument>();
            var events = new List<StoredEvent>();
            var last = done;
            var chunks = 0;
            using (var reader = engine.Query(UsageSchema.Chunks, query))
            {
                while (reader.Read())
                {
                    var chunk = reader.Current.AsDocument;
                    events.Clear();
                    UsageChunkDocument.ReadEvents(chunk, events);
                    foreach (var stored in events)
                    {
                        keys.Add(new BsonDocument { ["_id"] = UsageKeys.ToBson(UsageKeys.KeyOf(stored.Event)) });
                    }

                    last = UsageChunkDocument.IdOf(chunk);
                    chunks++;
                }
            }

            if (keys.Count > 0)
            {
                engine.Upsert(Building, keys, BsonAutoId.Int64);
            }

            if (chunks < chunksPerTransaction && keys.Count == 0 && !Exists(engine, Building))
            {
                // No event at all: no new collection to swap in, and any old keys belong to no event.
                engine.DeleteMany(UsageSchema.Keys, BsonExpression.Create("$._id != null"));
            }

            UsageWriter.WriteMeta(engine, Progress, chunks < chunksPerTransaction ? Built : last);
            engine.Commit();
        }
        catch
        {
            engine.Rollback();
            throw;
        }
    }

    private static bool Exists(LiteEngine engine, string collection) =>
        engine.GetCollectionNames().Contains(collection, StringComparer.OrdinalIgnoreCase);
}
