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
        Assert.Equal(5, UsageStore.SchemaVersion);
        Assert.Equal(UsageStore.SchemaVersion, _temp.Store.ReadSchemaVersion());
        _temp.Store.Write([SampleEvents.E1]);
        _temp.Store.Dispose();
        using var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath, ReadOnly = true });
        Assert.Equal(5, engine.Pragma("USER_VERSION").AsInt32);
        var indexes = new List<string>();
        using (var reader = engine.Query("$indexes", new Query()))
        {
            while (reader.Read())
            {
                indexes.Add(reader.Current["collection"].AsString + "." + reader.Current["name"].AsString + (reader.Current["unique"].AsBoolean ? "!" : ""));
            }
        }

        Assert.Contains("chunks.hour", indexes);
        Assert.DoesNotContain(indexes, i => i.StartsWith("keys.", StringComparison.Ordinal));
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

        Assert.Equal(5, _temp.Store.ReadSchemaVersion());
        Assert.Equal(8, _temp.Store.Write(SampleEvents.All).Inserted);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_pre_release_file_is_refused_as_a_version_this_engine_cannot_read_and_left_untouched(int version)
    {
        // Pre-release builds kept one document per event in "events" (schema 0 to 2); no release ever wrote that.
        _temp.Store.Dispose();
        File.Delete(_temp.DatabasePath);
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            engine.Insert("events", [new BsonDocument { ["k"] = "20260101|req:r1", ["t"] = 1L }], BsonAutoId.Int64);
            engine.Pragma("USER_VERSION", version);
        }

        var bytes = File.ReadAllBytes(_temp.DatabasePath);
        using var store = new UsageStore(_temp.DatabasePath);
        var error = Assert.Throws<UsageStoreVersionException>(() => store.Count(UsageFilter.All));

        Assert.True(error.IsPreRelease);
        Assert.Equal(version, error.FileVersion);
        Assert.Equal(_temp.DatabasePath, error.DatabasePath);
        Assert.Contains($"'{_temp.DatabasePath}' has schema version {version}, written by a pre-release build", error.Message, StringComparison.Ordinal);
        Assert.Equal(StoreFailureKind.NewerVersion, StoreFailure.Classify(error));
        Assert.Null(store.LastRecovery);
        store.Dispose();
        Assert.Equal(bytes, File.ReadAllBytes(_temp.DatabasePath));
        Assert.Equal(["usage.db", "usage.db.lock", "usage.db.lock-wait"], Directory.GetFiles(_temp.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_synthetic_next_schema_runs_its_steps_in_order_once_and_writes_each_version_after_its_step()
    {
        _temp.Store.Write(SampleEvents.All);
        _temp.Store.Dispose();
        var ran = new List<string>();
        Func<LiteEngine, long, bool>[] steps =
        [
            (engine, _) =>
            {
                ran.Add("4 from " + engine.Pragma("USER_VERSION").AsInt32);
                engine.Insert("synthetic", [new BsonDocument { ["step"] = 4 }], BsonAutoId.Int64);
                return true;
            },
            (engine, _) =>
            {
                ran.Add("5 from " + engine.Pragma("USER_VERSION").AsInt32);
                return true;
            },
        ];

        using var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath });
        engine.Pragma("USER_VERSION", 3);
        Assert.True(UsageSchema.Upgrade(engine, _temp.DatabasePath, long.MaxValue, steps));
        Assert.True(UsageSchema.Upgrade(engine, _temp.DatabasePath, long.MaxValue, steps));

        Assert.Equal(["4 from 3", "5 from 4"], ran);
        Assert.Equal(5, UsageSchema.ReadVersion(engine));
        Assert.Equal(4, Assert.Single(engine.Query("synthetic", new Query()).ToEnumerable())["step"].AsInt32);
        var error = Assert.Throws<UsageStoreVersionException>(() => UsageSchema.Upgrade(engine, _temp.DatabasePath, long.MaxValue, steps[..1]));
        Assert.Equal(5, error.FileVersion);
        Assert.False(error.IsPreRelease);
    }

    [Fact]
    public void A_step_stopped_at_its_deadline_or_failing_leaves_the_version_and_runs_again_next_time()
    {
        _temp.Store.Write(SampleEvents.All);
        _temp.Store.Dispose();
        var calls = 0;
        Func<LiteEngine, long, bool>[] steps =
        [
            (_, deadline) => ++calls switch
            {
                1 => deadline == 1234 ? false : throw new InvalidOperationException("the deadline was not passed on"),
                2 => throw new IOException("disk gone mid-step"),
                _ => true,
            },
        ];

        using var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath });
        engine.Pragma("USER_VERSION", 3);
        Assert.False(UsageSchema.Upgrade(engine, _temp.DatabasePath, 1234, steps));
        Assert.Equal(3, UsageSchema.ReadVersion(engine));
        Assert.Throws<IOException>(() => UsageSchema.Upgrade(engine, _temp.DatabasePath, long.MaxValue, steps));
        Assert.Equal(3, UsageSchema.ReadVersion(engine));
        Assert.True(UsageSchema.Upgrade(engine, _temp.DatabasePath, long.MaxValue, steps));
        Assert.Equal(4, UsageSchema.ReadVersion(engine));
        Assert.Equal(3, calls);
    }

    [Fact]
    public void A_new_file_gets_the_synthetic_current_version_without_running_steps()
    {
        _temp.Store.Dispose();
        File.Delete(_temp.DatabasePath);
        using var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath });

        Assert.True(UsageSchema.Upgrade(engine, _temp.DatabasePath, long.MaxValue, [(_, _) => throw new InvalidOperationException("a new file needs no step")]));
        Assert.Equal(4, UsageSchema.ReadVersion(engine));
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
