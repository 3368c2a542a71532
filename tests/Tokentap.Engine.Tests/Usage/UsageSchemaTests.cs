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
        Assert.Equal(2, UsageStore.SchemaVersion);
        Assert.Equal(UsageStore.SchemaVersion, _temp.Store.ReadSchemaVersion());
        _temp.Store.Dispose();
        using var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true });
        Assert.Equal(2, engine.Pragma("USER_VERSION").AsInt32);
        var indexes = new List<string>();
        using (var reader = engine.Query("$indexes", new Query()))
        {
            while (reader.Read())
            {
                indexes.Add(reader.Current["collection"].AsString + "." + reader.Current["name"].AsString + (reader.Current["unique"].AsBoolean ? "!" : ""));
            }
        }

        Assert.Contains("events.key!", indexes);
        Assert.Contains("events.time!", indexes);
        Assert.Contains("rollups.hour", indexes);
        Assert.Contains("labels.field", indexes);
    }

    [Fact]
    public void A_version_0_file_is_migrated()
    {
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            engine.Insert("unrelated", [new BsonDocument { ["x"] = 1 }], BsonAutoId.Int64);
        }

        Assert.Equal(2, _temp.Store.ReadSchemaVersion());
        Assert.Equal(8, _temp.Store.Write(SampleEvents.All).Inserted);
    }

    [Fact]
    public void A_version_1_file_gets_day_scoped_keys_and_still_deduplicates()
    {
        _temp.Store.Write(SampleEvents.All);
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            var documents = new List<BsonDocument>();
            using (var reader = engine.Query("events", new Query()))
            {
                while (reader.Read())
                {
                    var document = reader.Current.AsDocument;
                    document["k"] = document["k"].AsString[9..];
                    documents.Add(document);
                }
            }

            engine.Update("events", documents);
            engine.Pragma("USER_VERSION", 1);
        }

        Assert.Equal(2, _temp.Store.ReadSchemaVersion());
        Assert.Equal(new UsageWriteResult(0, 8, 0, 0), _temp.Store.Write(SampleEvents.All));
        Assert.Equal(8, _temp.Store.Count(UsageFilter.All));
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
        Assert.Equal(["usage.db"], Directory.GetFiles(_temp.Folder).Select(Path.GetFileName));
        Assert.Null(_temp.Store.LastRecovery);
    }
}
