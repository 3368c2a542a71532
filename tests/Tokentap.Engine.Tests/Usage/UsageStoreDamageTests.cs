// A damaged database file: a clear error naming it, the file moved aside (never deleted), a fresh store, recording goes on.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreDamageTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_file_of_garbage_is_moved_aside_and_replaced()
    {
        var garbage = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("this is not a database ", 2000)));
        File.WriteAllBytes(_temp.DatabasePath, garbage);
        var recoveries = new List<UsageStoreRecovery>();
        _temp.Store.Recovered += recoveries.Add;

        Assert.Equal(8, _temp.Store.Write(SampleEvents.All).Inserted);

        var recovery = Assert.Single(recoveries);
        AssertMovedAside(recovery);
        Assert.Equal(garbage, File.ReadAllBytes(recovery.MovedTo));
        Assert.Contains("LiteDB 5 header", recovery.Message);
        Assert.Equal(8, _temp.Store.Count(UsageFilter.All));
    }

    [Fact]
    public async Task A_truncated_file_is_detected_through_the_recorder_which_goes_on_recording()
    {
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        _temp.Store.Import(Enumerable.Range(0, 3000).Select(i => new UsageEvent { Timestamp = start.AddMinutes(i), RequestId = "old-" + i, Provider = "openai", Model = "gpt-" + (i % 50) }));
        var length = new FileInfo(_temp.DatabasePath).Length;
        using (var stream = new FileStream(_temp.DatabasePath, FileMode.Open))
        {
            // Cut at a page boundary: LiteDB drops a partial last page itself, as it does after an interrupted write.
            stream.SetLength(length / 2 / 8192 * 8192);
        }

        var damaged = File.ReadAllBytes(_temp.DatabasePath);
        var salvaged = new TaskCompletionSource<UsageStoreSalvage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _temp.Store.Salvaged += s => salvaged.TrySetResult(s);
        using var recorder = new UsageRecorder(_temp.Store);
        foreach (var e in SampleEvents.All)
        {
            recorder.Publish(e);
        }

        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        var recovery = _temp.Store.LastRecovery;
        Assert.NotNull(recovery);
        AssertMovedAside(recovery);

        // LiteDB marks the header of a file it found damaged; every data page is kept as it was.
        var moved = File.ReadAllBytes(recovery.MovedTo);
        Assert.Equal(damaged.Length, moved.Length);
        Assert.Equal(damaged.AsSpan(8192).ToArray(), moved.AsSpan(8192).ToArray());
        Assert.Equal(8, recorder.Status.Committed);

        // The readable part of the damaged file comes back beside the new events, and the recorder reports the counts.
        var salvage = await salvaged.Task.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Null(salvage.Error);
        Assert.InRange(salvage.Saved, 1, 2999);
        Assert.Equal(salvage.Message, recorder.Status.LastError);
        var stored = _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).ToList();
        Assert.Equal(8 + salvage.Saved, stored.Count);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], stored.Where(e => e.RequestId!.StartsWith("sample-", StringComparison.Ordinal)).Select(SampleEvents.NumberOf));
    }

    [Fact]
    public void Only_liteDb_damage_counts_as_damage()
    {
        Assert.False(UsageDatabase.IsDamage(new IOException("disk full")));
        Assert.False(UsageDatabase.IsDamage(new UnauthorizedAccessException()));
        Assert.False(UsageDatabase.IsDamage(new ArgumentOutOfRangeException("x")));
        Assert.False(UsageDatabase.IsDamage(new UsageStoreBusyException("/x", TimeSpan.Zero)));
        Assert.True(UsageDatabase.IsDamage(new LiteDB.LiteException(LiteDB.LiteException.INVALID_DATAFILE_STATE, "bad page")));
    }

    private void AssertMovedAside(UsageStoreRecovery recovery)
    {
        Assert.Equal(_temp.DatabasePath, recovery.DatabasePath);
        Assert.StartsWith(_temp.DatabasePath + ".damaged-", recovery.MovedTo);
        Assert.Contains(_temp.DatabasePath, recovery.Message);
        Assert.Contains(recovery.MovedTo, recovery.Message);
        Assert.True(File.Exists(_temp.DatabasePath));
    }
}
