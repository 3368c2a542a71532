// Collection names, indexes and the schema version of the usage database, with the steps that migrate older files.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// The schema version lives in the LiteDB header (USER_VERSION pragma). Version 0 is a new or empty file. Each
/// migration step brings a file from version N-1 to N and must be safe to run again if interrupted, because the
/// version is written only after the step has completed. Versions before <see cref="OldestReadableVersion"/> were
/// written only by pre-release builds and are refused (<see cref="UsageStoreVersionException.PreRelease"/>).
/// </summary>
internal static class UsageSchema
{
    /// <summary>The oldest version this engine reads: the first layout a release writes (events in chunks).</summary>
    public const int OldestReadableVersion = 3;

    /// <summary>The version this engine writes: 5, without a keys collection (<see cref="UsageKeysRemoval"/>).</summary>
    public const int CurrentVersion = OldestReadableVersion + 2;

    /// <summary>Events, many to a document (see <see cref="UsageChunkDocument"/>).</summary>
    public const string Chunks = "chunks";

    /// <summary>
    /// The key of every event as _id, in schema 3 and 4 files only: schema 5 finds stored events in the chunks instead
    /// (see <see cref="UsageWriter"/>), and its step drops the collection.
    /// </summary>
    public const string Keys = "keys";

    /// <summary>Single values of the store (the last position given).</summary>
    public const string Meta = "meta";

    public const string Rollups = "rollups";
    public const string Values = "labels";

    /// <summary>The one-document-per-event collection of pre-release files (schema 0 to 2); only looked for, never read.</summary>
    private const string PreReleaseEvents = "events";

    private const string VersionPragma = "USER_VERSION";

    // Steps[i] brings a file from OldestReadableVersion + i to the next version; it returns false when it stopped at the
    // deadline with work left (the lock is then released for a moment and the step goes on after it). A step that
    // changes the layout adds itself here and raises CurrentVersion. Schema 4 only rewrote keys of the keys collection,
    // which schema 5 drops, so the step to 4 has nothing left to do and a schema 3 file goes straight on to 5.
    private static readonly Func<LiteEngine, long, bool>[] Steps = [static (_, _) => true, UsageKeysRemoval.Run];

    public static int ReadVersion(LiteEngine engine) => engine.Pragma(VersionPragma).AsInt32;

    /// <summary>
    /// Brings the open file to <see cref="CurrentVersion"/>; refuses files from a newer engine and pre-release files.
    /// Returns false when a step stopped at <paramref name="deadline"/> (a <see cref="Environment.TickCount64"/> value)
    /// with work left: the caller then lets other processes have the lock for a moment and calls again, so a long
    /// migration never holds the lock longer than a unit of work should.
    /// </summary>
    public static bool Upgrade(LiteEngine engine, string databasePath, long deadline = long.MaxValue) =>
        Upgrade(engine, databasePath, deadline, Steps);

    /// <summary>The migration path with its steps given (tests drive it with a synthetic next schema).</summary>
    internal static bool Upgrade(LiteEngine engine, string databasePath, long deadline, IReadOnlyList<Func<LiteEngine, long, bool>> steps)
    {
        var current = OldestReadableVersion + steps.Count;
        var version = ReadVersion(engine);
        if (version > current)
        {
            throw new UsageStoreVersionException(databasePath, version, current);
        }

        // A new file (or one without events) gets the current layout at once.
        if (version == 0 && !engine.GetCollectionNames().Contains(PreReleaseEvents, StringComparer.OrdinalIgnoreCase))
        {
            CreateCurrent(engine);
            engine.Pragma(VersionPragma, current);
            return true;
        }

        if (version < OldestReadableVersion)
        {
            throw UsageStoreVersionException.PreRelease(databasePath, version, OldestReadableVersion);
        }

        for (; version < current; version++)
        {
            if (!steps[version - OldestReadableVersion](engine, deadline))
            {
                return false;
            }

            engine.Pragma(VersionPragma, version + 1);
        }

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
}
