// Schema step 3 -> 4: the keys of stored events whose ids look time-ordered are rewritten, in resumable slices.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Brings a schema 3 file to schema 4. Schema 4 keys a time-ordered (version 7) id by its milliseconds and every other
/// id as schema 3 did (see <see cref="UsageKeys.KeyOf"/>), so the only keys to change are those of stored events whose
/// ids happen to carry the version 7 mark (ids made from agent log entries are hash bits: about one in sixteen; the
/// proxy's were random version 4 ids, never). The chunks are read in _id order, a few per transaction, and each such
/// event's schema 3 key is replaced by its schema 4 key; the transaction records the highest chunk _id done, so a step
/// stopped at its deadline or killed goes on where it was. Both writes are safe to repeat, so a chunk rewritten
/// meanwhile by an older engine (it gets a higher _id and is read again) costs nothing either.
/// </summary>
internal static class UsageKeysMigration
{
    /// <summary>The meta value that holds the highest chunk _id done while the step runs (removed at its end).</summary>
    public const string Progress = "keys_v4";

    /// <summary>Chunks read per transaction (up to 256 events each): short enough to stop near a deadline.</summary>
    public const int ChunksPerTransaction = 64;

    public static bool Run(LiteEngine engine, long deadline) => Run(engine, deadline, ChunksPerTransaction);

    /// <summary>
    /// Rewrites the keys; false when <paramref name="deadline"/> (a <see cref="Environment.TickCount64"/> value) passed
    /// with chunks left. Each call does at least one transaction of work, so every slice makes progress.
    /// </summary>
    internal static bool Run(LiteEngine engine, long deadline, int chunksPerTransaction)
    {
        while (!RewriteSome(engine, UsageWriter.ReadMeta(engine, Progress), chunksPerTransaction))
        {
            if (Environment.TickCount64 >= deadline)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One transaction: the keys of the chunks after <paramref name="done"/>; true when none were left.</summary>
    private static bool RewriteSome(LiteEngine engine, long done, int chunksPerTransaction)
    {
        engine.BeginTrans();
        LiteDbFinalizerGuard.Protect(engine);
        try
        {
            var query = new Query { Limit = chunksPerTransaction, OrderBy = BsonExpression.Create("$._id") };
            query.Where.Add(BsonExpression.Create("$._id > @0", done));
            var stale = new List<BsonValue>();
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
                        if (UsageKeys.IsTimeOrdered(stored.Event.Id, out _))
                        {
                            stale.Add(UsageKeys.ToBson(UsageKeys.Schema3KeyOf(stored.Event)));
                            keys.Add(new BsonDocument { ["_id"] = UsageKeys.ToBson(UsageKeys.KeyOf(stored.Event)) });
                        }
                    }

                    last = UsageChunkDocument.IdOf(chunk);
                    chunks++;
                }
            }

            engine.Delete(UsageSchema.Keys, stale);
            engine.Upsert(UsageSchema.Keys, keys, BsonAutoId.Int64);
            var finished = chunks < chunksPerTransaction;
            if (finished)
            {
                engine.Delete(UsageSchema.Meta, [new BsonValue(Progress)]);
            }
            else
            {
                UsageWriter.WriteMeta(engine, Progress, last);
            }

            engine.Commit();
            return finished;
        }
        catch
        {
            engine.Rollback();
            throw;
        }
    }
}
