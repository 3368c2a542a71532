// The recorder: batching, flush, overflow counting, retries while the database is busy, stop and counters.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageRecorderTests : IDisposable
{
    private readonly TempStore _temp = new(lockTimeout: TimeSpan.FromMilliseconds(200));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Flush_returns_when_everything_published_before_it_is_on_disk()
    {
        var commits = new List<UsageBatchCommit>();
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions
        {
            FlushInterval = TimeSpan.FromMinutes(1),
            BatchSize = 1000,
            Committed = commits.Add,
        });
        foreach (var e in SampleEvents.All)
        {
            recorder.Publish(e);
        }

        Assert.Equal(8, recorder.Status.Pending);
        await recorder.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(8, _temp.Store.Count(UsageFilter.All));
        var status = recorder.Status;
        Assert.Equal((8L, 8L, 0L, 0L, 1L), (status.Published, status.Committed, status.Pending, status.Dropped, status.Batches));
        var commit = Assert.Single(commits);
        Assert.Equal(8, commit.Events.Count);
        Assert.Equal(new UsageWriteResult(8, 0, 1, 8), commit.Result);

        // Publishing the same events again counts them as duplicates, not commits.
        foreach (var e in SampleEvents.All)
        {
            recorder.Publish(e);
        }

        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal((8L, 8L), (recorder.Status.Committed, recorder.Status.Duplicates));
        Assert.True(recorder.Flush(TimeSpan.Zero));
    }

    [Fact]
    public void The_writer_wakes_on_its_own_after_the_interval_or_a_full_batch()
    {
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(100), BatchSize = 3, MaxBatchSize = 3 });
        recorder.Publish(SampleEvents.E1);
        Assert.True(SpinWait.SpinUntil(() => recorder.Status.Committed == 1, TimeSpan.FromSeconds(10)));
        foreach (var e in SampleEvents.All.Skip(1))
        {
            recorder.Publish(e);
        }

        Assert.True(SpinWait.SpinUntil(() => recorder.Status.Committed == 8, TimeSpan.FromSeconds(10)));
        Assert.True(recorder.Status.Batches >= 3);
    }

    [Fact]
    public void A_full_queue_drops_and_counts_without_blocking()
    {
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions { Capacity = 10, BatchSize = 100, MaxBatchSize = 100, FlushInterval = TimeSpan.FromMinutes(1) });
        for (var i = 0; i < 25; i++)
        {
            recorder.Publish(new UsageEvent { Timestamp = DateTime.UtcNow, RequestId = "q" + i });
        }

        Assert.Equal((10L, 15L), (recorder.Status.Published, recorder.Status.Dropped));
        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(10, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "q" + i), _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(e => e.RequestId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_busy_database_is_retried_and_reported_and_nothing_queued_is_lost()
    {
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20), RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(100) });
        using (new DatabaseLockHolder(_temp.DatabasePath))
        {
            foreach (var e in SampleEvents.All)
            {
                recorder.Publish(e);
            }

            Assert.True(SpinWait.SpinUntil(() => recorder.Status.FailedBatches >= 2, TimeSpan.FromSeconds(20)));
            var status = recorder.Status;
            Assert.Equal(0, status.Committed);
            Assert.Equal(8, status.Pending);
            Assert.Contains(_temp.DatabasePath, status.LastError);
            Assert.Contains("busy", status.LastError);
        }

        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal((8L, 0L, 0L, 0L), (recorder.Status.Committed, recorder.Status.Pending, recorder.Status.Dropped, recorder.Status.Abandoned));
        Assert.Equal(8, _temp.Store.Count(UsageFilter.All));
    }

    [Fact]
    public void Stop_writes_what_is_queued_then_refuses_new_events()
    {
        var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMinutes(1), BatchSize = 1000 });
        foreach (var e in SampleEvents.All)
        {
            recorder.Publish(e);
        }

        Assert.True(recorder.Stop(TimeSpan.FromSeconds(30)));
        Assert.False(recorder.Status.Running);
        Assert.Equal(8, _temp.Store.Count(UsageFilter.All));
        recorder.Publish(new UsageEvent { RequestId = "late" });
        Assert.Equal(1, recorder.Status.Dropped);
        recorder.Dispose();
    }

    [Fact]
    public void Stop_gives_up_after_its_timeout_when_the_database_stays_busy_and_says_so()
    {
        var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(10), RetryDelay = TimeSpan.FromMilliseconds(10) });
        using (new DatabaseLockHolder(_temp.DatabasePath))
        {
            recorder.Publish(SampleEvents.E1);
            recorder.Publish(SampleEvents.E2);
            Assert.False(recorder.Stop(TimeSpan.FromMilliseconds(500)));
        }

        Assert.False(recorder.Status.Running);
        Assert.Equal((2L, 0L, 0L), (recorder.Status.Abandoned, recorder.Status.Committed, recorder.Status.Pending));
        recorder.Dispose();
    }

    [Fact]
    public void A_listener_that_throws_is_reported_not_fatal()
    {
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions { Committed = _ => throw new InvalidOperationException("listener broke") });
        recorder.Publish(SampleEvents.E1);
        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, recorder.Status.Committed);
        Assert.Contains("listener broke", recorder.Status.LastError);
        Assert.True(recorder.Status.Running);
    }
}
