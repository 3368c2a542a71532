// A full disk: the write failure is reported, the lock is free for others, events wait in the queue and are all
// written once space returns (a real 2 MB tmpfs, so root only).
using System.Diagnostics;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreFullDiskTests : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("tokentap-fulldisk-").FullName;
    private bool _mounted;

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", "-l", _mount);
        }

        Directory.Delete(_mount, recursive: true);
    }

    [RootFact]
    public void A_full_disk_is_reported_frees_the_lock_and_every_event_is_written_once_space_returns()
    {
        Assert.Equal(0, Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", _mount));
        _mounted = true;
        var database = Path.Combine(_mount, "usage.db");
        using var store = new UsageStore(database, TimeSpan.FromSeconds(5));
        Assert.Equal(8, store.Write(SampleEvents.All).Inserted);

        var filler = Path.Combine(_mount, "filler");
        FillDisk(filler);

        var start = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        var events = Enumerable.Range(0, 300).Select(i => new UsageEvent
        {
            Timestamp = start.AddMinutes(i),
            Provider = "openai",
            Model = "gpt-5",
            InputTokens = 1000 + i,
            OutputTokens = 10,
            StatusCode = 200,
            RequestId = "full-" + i,
            Error = new string('x', 2000),
        }).ToList();
        using var recorder = new UsageRecorder(store, new UsageRecorderOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        });
        foreach (var e in events)
        {
            recorder.Publish(e);
        }

        // The failure is reported while the events wait; no event is refused or given up on.
        var failing = WaitFor(() => recorder.Status is { WriteFailing: true, FailedBatches: >= 2 } status ? status : null, () => recorder.Status.ToString());
        Assert.NotNull(failing.LastWriteError);
        Assert.Contains("space", failing.LastWriteError, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0L, failing.Committed);
        Assert.Equal(0L, failing.Rejected);
        Assert.Equal(0L, failing.Dropped);
        Assert.Equal(300L, failing.Pending);

        // The lock is free between attempts: another handle reads the store.
        using (var other = new UsageStore(database, TimeSpan.FromSeconds(5)))
        {
            Assert.Equal(8, other.Query(UsageFilter.All).Count());
        }

        File.Delete(filler);
        Assert.True(recorder.Flush(TimeSpan.FromSeconds(120)));
        var done = recorder.Status;
        Assert.Equal((300L, 0L, 0L, 0L, 0L, false), (done.Committed, done.Pending, done.Rejected, done.Dropped, done.Abandoned, done.WriteFailing));
        Assert.Equal(308, store.Count(UsageFilter.All));
        Assert.Equal(
            events.Select(e => e.RequestId).Order(StringComparer.Ordinal),
            store.Query(UsageFilter.All with { Since = start }).Select(e => e.RequestId).Order(StringComparer.Ordinal));
    }

    private static void FillDisk(string path)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // No space left: the filler holds the rest of the tmpfs.
        }

        // Single bytes fill the last partial block.
        try
        {
            while (true)
            {
                stream.Write(block, 0, 1);
                stream.Flush();
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Polls until <paramref name="read"/> returns a value (a generous bound only so a hang fails the test).</summary>
    private static T WaitFor<T>(Func<T?> read, Func<string> describe)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (read() is { } value)
            {
                return value;
            }

            Thread.Sleep(20);
        }

        throw new Xunit.Sdk.XunitException("The condition did not come true within 60 s: " + describe());
    }

    private static int Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
