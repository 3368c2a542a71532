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
    public const int CurrentVersion = 2;

    public const string Events = "events";
    public const string Rollups = "rollups";
    public const string Values = "labels";

    private const string VersionPragma = "USER_VERSION";

    private static readonly Action<LiteEngine>[] Steps =
    [
        CreateVersion1,
        ScopeKeysToDay,
    ];

    public static int ReadVersion(LiteEngine engine) => engine.Pragma(VersionPragma).AsInt32;

    /// <summary>Brings the open file to <see cref="CurrentVersion"/>; refuses files from a newer engine.</summary>
    public static void Upgrade(LiteEngine engine, string databasePath)
    {
        var version = ReadVersion(engine);
        if (version > CurrentVersion)
        {
            throw new UsageStoreVersionException(databasePath, version, CurrentVersion);
        }

        for (; version < CurrentVersion; version++)
        {
            Steps[version](engine);
            engine.Pragma(VersionPragma, version + 1);
        }
    }

    private static void CreateVersion1(LiteEngine engine)
    {
        engine.EnsureIndex(Events, "key", BsonExpression.Create("$." + UsageEventDocument.Key), unique: true);
        engine.EnsureIndex(Events, "time", BsonExpression.Create("$." + UsageEventDocument.Order), unique: true);
        engine.EnsureIndex(Rollups, "hour", BsonExpression.Create("$." + UsageRollupDocument.Hour), unique: false);
        engine.EnsureIndex(Values, "field", BsonExpression.Create("$." + UsageLabelDocument.Field), unique: false);
    }

    /// <summary>Version 2: unique keys carry the event's UTC day in front (see UsageEventDocument.StoredKey).</summary>
    private static void ScopeKeysToDay(LiteEngine engine)
    {
        var changed = new List<BsonDocument>();
        using (var reader = engine.Query(Events, new Query()))
        {
            while (reader.Read())
            {
                var document = reader.Current.AsDocument;
                var key = UsageEventDocument.StoredKey(UsageEventDocument.FromDocument(document));
                if (document[UsageEventDocument.Key].AsString != key)
                {
                    document[UsageEventDocument.Key] = key;
                    changed.Add(document);
                }
            }
        }

        foreach (var chunk in changed.Chunk(1000))
        {
            engine.Update(Events, chunk);
        }
    }
}
