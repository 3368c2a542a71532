// A write that hangs inside LiteDB while holding the lock: declared hung, reported, the lock released for others,
// the events written by a new writer, and the hung write refused when it wakes up.
using System.Diagnostics;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageRecorderWatchdogTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _temp = new(TimeSpan.FromSeconds(5));
    private readonly HangingStream.Gate _hang = new();

    public void Dispose()
    {
        _hang.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_hung_write_is_reported_its_lock_released_its_events_written_by_a_new_writer_and_it_may_not_write_later()
    {
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(20),
            WriteTimeout = TimeSpan.FromMilliseconds(500),
            WriteStreams = HangingStream.Factory(_hang),
        });
        var events = Enumerable.Range(0, 20).Select(Event).ToList();
        foreach (var e in events)
        {
            recorder.Publish(e);
        }

        Assert.True(_hang.Entered.Wait(TimeSpan.FromSeconds(30)));
        var hung = WaitFor(() => recorder.Status is { WriteFailing: true } status ? status : null);
        Assert.Contains("declared hung", hung.LastWriteError);
        Assert.Contains(_temp.DatabasePath, hung.LastWriteError);
        Assert.Contains("its 20 events wait", hung.LastWriteError);
        Assert.Equal(hung.LastWriteError, hung.LastError);
        Assert.Equal(0L, hung.Rejected + hung.Dropped + hung.Abandoned);

        // The lock is free while the hung write still blocks: another handle (as another shell would) gets it within
        // its 2 s lock timeout and writes; without the watchdog it would fail as busy, the hung write holding the lock.
        var other = new UsageEvent { Timestamp = Start.AddHours(5), Provider = "openai", RequestId = "other-shell" };
        using (var otherShell = new UsageStore(_temp.DatabasePath, TimeSpan.FromSeconds(2)))
        {
            Assert.Equal(1, otherShell.Write([other]).Inserted);
        }

        // A new writer wrote the batch; nothing was lost or counted twice.
        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        var done = recorder.Status;
        Assert.Equal((20L, 0L, 0L, false, true), (done.Committed, done.Duplicates, done.Pending, done.WriteFailing, done.Running));
        Assert.Equal(hung.LastWriteError, done.LastWriteError);

        // The hung write wakes up: the fence refuses it, so it cannot touch the files without the lock.
        _hang.Release();
        var outcome = await _hang.Outcome.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("IOException: This write to the usage database was declared hung and its lock released; it may no longer touch the files.", outcome);

        Assert.Equal(21, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(
            events.Select(e => e.RequestId).Append("other-shell").Order(StringComparer.Ordinal),
            _temp.Store.Query(UsageFilter.All).Select(e => e.RequestId).Order(StringComparer.Ordinal));
        Assert.Equal(20L, recorder.Status.Committed);
    }

    [Fact]
    public async Task A_batch_whose_hung_write_had_committed_is_written_again_as_duplicates_and_stored_once()
    {
        // Only the data file's first write hangs (LiteDB is given the data stream, then the log stream, on each open):
        // the transaction is complete in the log when the checkpoint that copies it into the data file hangs.
        _temp.Store.ReadSchemaVersion();
        var hang = HangingStream.Factory(_hang);
        var streams = 0;
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(20),
            WriteTimeout = TimeSpan.FromMilliseconds(500),
            WriteStreams = stream => Interlocked.Increment(ref streams) % 2 == 1 ? hang(stream) : stream,
        });
        var events = Enumerable.Range(0, 20).Select(Event).ToList();
        foreach (var e in events)
        {
            recorder.Publish(e);
        }

        Assert.True(_hang.Entered.Wait(TimeSpan.FromSeconds(30)));
        var hung = WaitFor(() => recorder.Status is { WriteFailing: true } status ? status : null);
        Assert.Contains("its 20 events wait", hung.LastWriteError);

        // The next writer finds the batch in the file: nothing is added and nothing counted twice.
        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal((0L, 20L, 0L), (recorder.Status.Committed, recorder.Status.Duplicates, recorder.Status.Pending));
        _hang.Release();
        Assert.StartsWith("IOException: This write to the usage database was declared hung", await _hang.Outcome.Task.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        Assert.Equal(20, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(events.Select(e => e.Id).Order(), _temp.Store.Query(UsageFilter.All).Select(e => e.Id).Order());
    }

    [Fact]
    public void A_hung_write_refused_later_leaves_no_liteDb_finalizer_that_ends_the_process()
    {
        // In a child process: LiteDB's transaction finalizer once threw on the finalizer thread after a refused write,
        // which ends the process (it ended this test host). Eight rounds of hang, takeover, refusal and forced finalizers.
        using var child = ChildProcess.Start("hang", _temp.DatabasePath, "hang", "8");
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(180)), string.Join("\n", child.Lines));
        var output = string.Join("\n", child.Lines);
        Assert.True(child.ExitCode == 0, $"exit code {child.ExitCode}:\n{output}");
        Assert.Equal(["DONE written=80 stored=80"], child.Lines.Where(l => !l.StartsWith("stderr:", StringComparison.Ordinal)));
        Assert.DoesNotContain(child.Lines, l => l.StartsWith("stderr:", StringComparison.Ordinal));
    }

    private static UsageEvent Event(int i) => new()
    {
        Timestamp = Start.AddMinutes(i),
        Provider = "anthropic",
        Model = "claude-sonnet-4-5",
        InputTokens = 100 + i,
        OutputTokens = 10,
        StatusCode = 200,
        RequestId = "hang-" + i,
    };

    private static T WaitFor<T>(Func<T?> read)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (read() is { } value)
            {
                return value;
            }

            Thread.Sleep(10);
        }

        throw new Xunit.Sdk.XunitException("The condition did not come true within 30 s.");
    }
}
