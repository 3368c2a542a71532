// Schema step 4 -> 5: the keys collection goes; stored events are found in the chunks of their day instead.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Brings a schema 4 file to schema 5 by dropping the keys collection (one _id per stored event, which cost each insert
/// most of its allocations; see <see cref="UsageWriter"/> for what replaced it) and the progress mark a schema 3 to 4
/// step left when an older engine was stopped in the middle of it. Dropping is one LiteDB transaction, and each write
/// is safe to repeat: a step killed before the version was written simply runs again and finds less to do.
/// </summary>
internal static class UsageKeysRemoval
{
    /// <summary>The meta value of an unfinished schema 3 to 4 step of an older engine (the highest chunk _id it did).</summary>
    public const string OlderProgress = "keys_v4";

    /// <summary>Drops the collection; it needs no slicing (a drop frees pages, it reads no documents), so it always finishes.</summary>
    public static bool Run(LiteEngine engine, long deadline)
    {
        engine.DropCollection(UsageSchema.Keys);
        engine.Delete(UsageSchema.Meta, [new BsonValue(OlderProgress)]);
        return true;
    }
}
