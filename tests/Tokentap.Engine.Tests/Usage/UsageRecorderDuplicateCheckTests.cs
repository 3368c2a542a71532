// Which recorder writes look for stored events: only the first attempt of a batch of ids made since the recorder was
// made skips it.
using Tokentap.Engine.Usage;
using Tokentap.TestProcess;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageRecorderDuplicateCheckTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _temp = new(TimeSpan.FromSeconds(5));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_first_attempt_of_a_batch_of_ids_made_in_this_process_reads_no_stored_events()
    {
        // Stored by another path, as only a bug would: the recorder's first attempt does not look, so it is there twice.
        // Any read of the day's chunks would have found it (the store's own write below does).
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
        var made = Event(0);
        Assert.True(UsageKeys.IsTimeOrdered(made.Id, out _));
        Assert.Equal(1, _temp.Store.Write([made]).Inserted);
        recorder.Publish(made);
        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));

        Assert.Equal((1L, 0L), (recorder.Status.Committed, recorder.Status.Duplicates));
        Assert.Equal(2, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(new UsageWriteResult(0, 1, 0, 0), _temp.Store.Write([made]));
    }

    [Fact]
    public void A_batch_holding_an_id_not_made_in_this_process_is_checked_on_its_first_attempt()
    {
        // An agent log's id (not time-ordered) and a time-ordered id older than the recorder, each stored already,
        // in batches with new events.
        var older = new UsageEvent(TimeOrderedId(DateTimeOffset.UtcNow.AddDays(-30))) { Timestamp = Start, RequestId = "older" };
        Assert.Equal(2, _temp.Store.Write([SampleEvents.E1, older]).Inserted);
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMinutes(1), BatchSize = 3 });
        recorder.Publish(Event(1));
        recorder.Publish(SampleEvents.E1);
        recorder.Publish(Event(2));
        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        recorder.Publish(older);
        recorder.Publish(Event(3));
        recorder.Publish(Event(4));
        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));

        Assert.Equal((4L, 2L, 2L), (recorder.Status.Committed, recorder.Status.Duplicates, recorder.Status.Batches));
        Assert.Equal(6, _temp.Store.Count(UsageFilter.All));
    }

    [Fact]
    public void A_batch_whose_failed_write_had_committed_is_checked_when_retried_and_stored_once()
    {
        // The data file fails its first write: the transaction is complete in LiteDB's log when the checkpoint that
        // copies it into the data file fails, so the write is reported failed although the next open finds the batch.
        _temp.Store.ReadSchemaVersion();
        var failures = 0;
        using var recorder = new UsageRecorder(_temp.Store, new UsageRecorderOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(20),
            WriteFiles = file => file is FileStream data && data.Name == _temp.DatabasePath ? new FailingFirstWrite(data, () => Interlocked.Increment(ref failures) == 1) : file,
        });
        var events = Enumerable.Range(0, 20).Select(Event).ToList();
        foreach (var e in events)
        {
            recorder.Publish(e);
        }

        Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
        var status = recorder.Status;
        Assert.Equal((0L, 20L, 1L, 1L), (status.Committed, status.Duplicates, status.FailedBatches, status.Batches));
        Assert.Contains("disk refused the write", status.LastWriteError);
        Assert.Equal(20, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(events.Select(e => e.Id).Order(), _temp.Store.Query(UsageFilter.All).Select(e => e.Id).Order());
    }

    private static UsageEvent Event(int i) => new()
    {
        Timestamp = Start.AddMinutes(i),
        Provider = "anthropic",
        Model = "claude-sonnet-4-5",
        InputTokens = 100 + i,
        OutputTokens = 10,
        StatusCode = 200,
        RequestId = "check-" + i,
    };

    private static Guid TimeOrderedId(DateTimeOffset time)
    {
        var bytes = Guid.NewGuid().ToByteArray(bigEndian: true);
        var milliseconds = time.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (40 - (8 * i)));
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>A file whose first write (when <paramref name="fail"/> says so) fails as a disk would.</summary>
    private sealed class FailingFirstWrite(FileStream inner, Func<bool> fail) : PassThroughStream(inner)
    {
        private bool _written;

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (!_written && fail())
            {
                _written = true;
                throw new IOException("The disk refused the write.");
            }

            _written = true;
            Inner.Write(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
