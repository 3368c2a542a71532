// The usage sink the proxy publishes to: a bounded queue drained by one background writer in batches.
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Publish never waits on the disk: events go into a bounded in-memory queue (a full queue drops and counts). One
/// background thread writes them in batches (when <see cref="UsageRecorderOptions.BatchSize"/> are queued or every
/// <see cref="UsageRecorderOptions.FlushInterval"/>). A batch counts as committed only after the store returned, that
/// is after LiteDB has it on disk. Failures never leave the thread: a busy or unavailable database is retried with
/// backoff while the batch is kept (nothing queued is lost while retrying can help), and the last error is kept in
/// <see cref="Status"/>. Stop and Dispose flush what is queued (process exit through the host's one hook, which disposes).
/// <para>
/// A watchdog guards against a write that never returns while it holds the cross-process lock (a hang inside LiteDB):
/// past <see cref="UsageRecorderOptions.WriteTimeout"/> the write is declared hung. Its fence is revoked (the lock is
/// released and the hung thread can no longer touch the files, see <see cref="UsageWriteFence"/>), the failure is
/// reported, the batch goes back to the front of the queue and a new writer thread (the next generation) takes over.
/// The hung thread, if it ever returns, sees that its generation is over and ends without counting anything. A batch
/// that the hung write had committed before the hang is written again and its events are then counted as duplicates.
/// </para>
/// <para>
/// Finding stored events costs a write a read of the chunks of its events' days, so the first attempt of a batch whose
/// ids were all made in this process (time-ordered ids of a moment after it started, as the proxy's events get) leaves
/// it out: nothing can have stored them yet. Every other write checks: a batch written again after a hung or failed
/// attempt, a batch split after failures, and any batch holding an id from elsewhere (an older id, another process's).
/// </para>
/// </summary>
public sealed class UsageRecorder : IUsageSink, IDisposable
{
    private const int AttemptsBeforeSplit = 3;

    private readonly UsageStore _store;
    private readonly UsageRecorderOptions _options;
    private readonly Timer _watchdog;
    private readonly object _gate = new();
    private readonly Queue<UsageEvent> _queue = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _flushWaiters = [];
    private readonly ManualResetEventSlim _stopSignal = new(false);
    private readonly Action<UsageStoreRecovery> _onRecovered;
    private readonly Action<UsageStoreSalvage> _onSalvaged;

    // Guarded by _gate.
    private Thread _writer;
    private int _generation;
    private List<UsageEvent>? _batch;
    private int _retrying;
    private UsageWriteFence? _inflight;
    private long _inflightSince;
    private long _enqueued;
    private long _handled;
    private long _dropped;
    private bool _stopping;
    private DateTime _stopDeadline;
    private string? _lastError;
    private DateTime? _lastErrorTime;
    private bool _writeFailing;
    private string? _lastWriteError;
    private DateTime? _lastWriteErrorTime;

    // When this recorder was made, in Unix milliseconds: every event the proxy it records for captures gets its id
    // later. (The process's own start time, read through System.Diagnostics.Process, loaded two more assemblies and
    // cost a cold proxy's first batch several milliseconds to answer the same question.)
    private readonly long _createdMilliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    // Written by the current writer thread only.
    private long _committed;
    private long _duplicates;
    private long _rejected;
    private long _abandoned;
    private long _batches;
    private long _failedBatches;
    private DateTime? _lastCommitTime;

    public UsageRecorder(UsageStore store, UsageRecorderOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new UsageRecorderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchSize, _options.BatchSize);
        _onRecovered = recovery => RecordError(recovery.Message);
        _store.Recovered += _onRecovered;

        // The salvage's counts reach Get-Tokentap and the shell the way a recovery does.
        _onSalvaged = salvage => RecordError(salvage.Message);
        _store.Salvaged += _onSalvaged;
        _writer = StartWriter(0);
        _watchdog = new Timer(_ => Watch(), null, WatchPeriod, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The store events are written to.</summary>
    public UsageStore Store => _store;

    /// <summary>A snapshot of the counters.</summary>
    public UsageRecorderStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new UsageRecorderStatus
                {
                    Published = _enqueued,
                    Committed = Interlocked.Read(ref _committed),
                    Duplicates = Interlocked.Read(ref _duplicates),
                    Dropped = _dropped,
                    Rejected = Interlocked.Read(ref _rejected),
                    Abandoned = Interlocked.Read(ref _abandoned),
                    Pending = _enqueued - _handled,
                    Batches = Interlocked.Read(ref _batches),
                    FailedBatches = Interlocked.Read(ref _failedBatches),
                    WriteFailing = _writeFailing,
                    LastWriteError = _lastWriteError,
                    LastWriteErrorTime = _lastWriteErrorTime,
                    LastError = _lastError,
                    LastErrorTime = _lastErrorTime,
                    LastCommitTime = _lastCommitTime,
                    Running = _writer.IsAlive,
                };
            }
        }
    }

    /// <summary>
    /// Queues one event. Never blocks on I/O and never throws; a full queue or a stopped recorder drops and counts it.
    /// Usage numbers no real exchange has are zeroed and the event flagged first (see <see cref="UsageBounds"/>).
    /// </summary>
    public void Publish(UsageEvent usageEvent)
    {
        if (usageEvent is null)
        {
            return;
        }

        UsageBounds.Enforce(usageEvent);
        lock (_gate)
        {
            if (_stopping || _queue.Count >= _options.Capacity)
            {
                _dropped++;
                return;
            }

            _queue.Enqueue(usageEvent);
            _enqueued++;
            if (_queue.Count == _options.BatchSize)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>Completes when every event published before the call is handled: on disk, or known a duplicate.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_handled >= _enqueued)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((_enqueued, done));
            Monitor.Pulse(_gate);
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for <see cref="FlushAsync"/>; false when time ran out.</summary>
    public bool Flush(TimeSpan timeout) => FlushAsync().Wait(timeout);

    /// <summary>
    /// Stops accepting events, writes what is queued and ends the writer. Returns true when everything published was
    /// handled; false when <paramref name="timeout"/> passed first (the rest is counted as abandoned).
    /// </summary>
    public bool Stop(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (!_stopping)
            {
                _stopping = true;
                _stopDeadline = DateTime.UtcNow + timeout;
            }

            Monitor.PulseAll(_gate);
        }

        _stopSignal.Set();
        var deadline = DateTime.UtcNow + timeout + TimeSpan.FromMilliseconds(500);
        while (true)
        {
            Thread writer;
            lock (_gate)
            {
                writer = _writer;
            }

            var left = deadline - DateTime.UtcNow;
            if (Thread.CurrentThread == writer || left <= TimeSpan.Zero || !writer.Join(left))
            {
                return false;
            }

            lock (_gate)
            {
                // A writer declared hung meanwhile was replaced: wait for its successor.
                if (_writer == writer)
                {
                    return Interlocked.Read(ref _abandoned) == 0;
                }
            }
        }
    }

    /// <summary>
    /// Stops with the exit timeout: the host's one shutdown path (the module's ProcessExit hook through
    /// TokentapRuntime.Dispose, or a test's own) calls this; the recorder hooks nothing itself. The store is not disposed.
    /// </summary>
    public void Dispose()
    {
        Stop(_options.ExitTimeout);
        _watchdog.Dispose();
        _store.Recovered -= _onRecovered;
        _store.Salvaged -= _onSalvaged;
    }

    /// <summary>How often the watchdog looks at the write in progress.</summary>
    private TimeSpan WatchPeriod => TimeSpan.FromTicks(Math.Clamp(_options.WriteTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));

    private Thread StartWriter(int generation)
    {
        var writer = new Thread(() => Run(generation)) { IsBackground = true, Name = "Tokentap usage writer" };
        writer.Start();
        return writer;
    }

    /// <summary>The loop of one writer generation; it ends when the recorder stops or the watchdog replaced it.</summary>
    private void Run(int generation)
    {
        var batch = new List<UsageEvent>(_options.MaxBatchSize);
        while (true)
        {
            try
            {
                if (!TakeBatch(batch, generation, out var retried))
                {
                    return;
                }

                Write(batch, splitOnFailure: true, generation, retried);
                if (!Handled(batch.Count, generation))
                {
                    // Declared hung: the batch is back in the queue, and the next generation writes it.
                    return;
                }

                batch.Clear();
            }
            catch (Exception ex)
            {
                // Nothing may escape this thread (it would end the user's pwsh); keep going with the next batch.
                if (!IsCurrent(generation))
                {
                    return;
                }

                RecordError("The usage writer failed unexpectedly: " + ex.Message);
                Interlocked.Add(ref _abandoned, batch.Count);
                Handled(batch.Count, generation);
                batch.Clear();
            }
        }
    }

    private bool IsCurrent(int generation)
    {
        lock (_gate)
        {
            return generation == _generation;
        }
    }

    /// <summary>
    /// The watchdog (a timer callback, so it catches everything): a write in progress for longer than the bound is
    /// declared hung once its fence is revoked; a write stuck inside a disk operation keeps the lock and is reported.
    /// </summary>
    private void Watch()
    {
        try
        {
            UsageWriteFence fence;
            long since;
            lock (_gate)
            {
                if (_inflight is null)
                {
                    return;
                }

                (fence, since) = (_inflight, _inflightSince);
            }

            var seconds = _options.WriteTimeout.TotalSeconds;
            if (Environment.TickCount64 - since < (long)_options.WriteTimeout.TotalMilliseconds)
            {
                return;
            }

            if (!fence.TryRevoke(WatchPeriod))
            {
                RecordWriteError($"A write to the usage database '{_store.DatabasePath}' has not finished in {seconds:0.#} s and is stuck in a disk operation; its lock is held until that returns.");
                return;
            }

            lock (_gate)
            {
                if (_inflight != fence)
                {
                    // It returned meanwhile; its own thread deals with the outcome (a revoked write failed and is retried).
                    return;
                }

                _inflight = null;
                _generation++;
                var requeued = _batch?.Count ?? 0;
                if (_batch is { Count: > 0 } batch)
                {
                    // The hung write may have committed before it hung: these events are checked when written again.
                    _retrying += batch.Count;
                    var waiting = _queue.ToArray();
                    _queue.Clear();
                    foreach (var usageEvent in batch.Concat(waiting))
                    {
                        _queue.Enqueue(usageEvent);
                    }
                }

                _batch = null;
                _writer = StartWriter(_generation);
                SetWriteError($"A write to the usage database '{_store.DatabasePath}' has not finished in {seconds:0.#} s and was declared hung: the database lock was released for other processes, and its {requeued} events wait to be written again.");
            }

            Interlocked.Increment(ref _failedBatches);
        }
        catch (Exception ex)
        {
            RecordError("The usage writer's watchdog failed: " + ex.Message);
        }
        finally
        {
            try
            {
                _watchdog.Change(WatchPeriod, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The recorder was disposed: nothing more to watch.
            }
        }
    }

    /// <summary>
    /// Waits for work and moves up to MaxBatchSize events into <paramref name="batch"/>; false when stopped.
    /// <paramref name="retried"/> says the batch holds events a hung write attempted before.
    /// </summary>
    private bool TakeBatch(List<UsageEvent> batch, int generation, out bool retried)
    {
        retried = false;
        lock (_gate)
        {
            if (generation != _generation)
            {
                return false;
            }

            var wakeAt = DateTime.UtcNow + _options.FlushInterval;
            while (!_stopping && _flushWaiters.Count == 0 && _queue.Count < _options.BatchSize)
            {
                var left = wakeAt - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                Monitor.Wait(_gate, left);
            }

            if (_stopping && DateTime.UtcNow >= _stopDeadline && _queue.Count > 0)
            {
                Interlocked.Add(ref _abandoned, _queue.Count);
                _handled += _queue.Count;
                _queue.Clear();
                _retrying = 0;
                CompleteFlushWaiters();
            }

            if (_queue.Count == 0)
            {
                return !_stopping;
            }

            while (batch.Count < _options.MaxBatchSize && _queue.Count > 0)
            {
                batch.Add(_queue.Dequeue());
            }

            // Requeued events sit at the front of the queue, so they are the first ones taken.
            retried = _retrying > 0;
            _retrying = Math.Max(0, _retrying - batch.Count);

            _batch = batch;
            return true;
        }
    }

    /// <summary>Writes a batch, retrying while that can help; <paramref name="retried"/> says an earlier write attempted it.</summary>
    private void Write(List<UsageEvent> events, bool splitOnFailure, int generation, bool retried)
    {
        var delay = _options.RetryDelay;
        var fresh = !retried && AreFresh(events);
        for (var failures = 0; ; failures++)
        {
            var fence = new UsageWriteFence { WrapStream = _options.WriteStreams, WrapFile = _options.WriteFiles };
            lock (_gate)
            {
                if (generation != _generation)
                {
                    return;
                }

                (_inflight, _inflightSince) = (fence, Environment.TickCount64);
            }

            try
            {
                // Only the first attempt may skip the check: a failed attempt may have committed before it failed.
                var result = _store.Write(events, fence, fresh && failures == 0 ? UsageDuplicateCheck.NoneForFreshIds : UsageDuplicateCheck.StoredEvents);
                if (EndAttempt(fence))
                {
                    Committed(events, result);
                }

                return;
            }
            catch (Exception ex)
            {
                if (!EndAttempt(fence))
                {
                    // Declared hung while it ran: this thread's generation is over.
                    return;
                }

                Interlocked.Increment(ref _failedBatches);
                RecordWriteError(ex.Message);
                if (!IsTransient(ex) && failures + 1 >= AttemptsBeforeSplit)
                {
                    if (splitOnFailure && events.Count > 1)
                    {
                        // Something in the batch keeps failing: write one by one so only the culprit is refused.
                        foreach (var single in events)
                        {
                            Write([single], splitOnFailure: false, generation, retried: true);
                        }
                    }
                    else
                    {
                        Interlocked.Add(ref _rejected, events.Count);
                    }

                    return;
                }

                if (!Backoff(ref delay))
                {
                    Interlocked.Add(ref _abandoned, events.Count);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Whether every id of the batch was made in this process: time-ordered (version 7) with the milliseconds of a moment
    /// after this recorder was made, so no other process can have stored it, and this one records each event it
    /// captures once. Ids made from agent logs, older stored ids and ids from before the clock was set back
    /// fail the test (their batch is then checked against the store).
    /// </summary>
    private bool AreFresh(List<UsageEvent> events)
    {
        foreach (var usageEvent in events)
        {
            if (!UsageKeys.IsTimeOrdered(usageEvent.Id, out var milliseconds) || (long)milliseconds < _createdMilliseconds)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Ends a write attempt; false when the watchdog declared it hung first (its outcome must then be ignored).</summary>
    private bool EndAttempt(UsageWriteFence fence)
    {
        lock (_gate)
        {
            if (_inflight != fence)
            {
                return false;
            }

            _inflight = null;
            return true;
        }
    }

    /// <summary>Sleeps before the next attempt; false when stopping and the stop deadline has passed.</summary>
    private bool Backoff(ref TimeSpan delay)
    {
        DateTime deadline;
        bool stopping;
        lock (_gate)
        {
            stopping = _stopping;
            deadline = _stopDeadline;
        }

        if (stopping)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            Thread.Sleep(delay < left ? delay : left);
        }
        else
        {
            _stopSignal.Wait(delay);
        }

        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        return true;
    }

    /// <summary>
    /// Failures that retrying can cure, so the batch is kept however long they last: a busy or newer database, and the
    /// disk (full, read-only, a folder without permission), also when LiteDB reports an I/O failure as its own error.
    /// </summary>
    private static bool IsTransient(Exception ex) =>
        ex is UsageStoreBusyException or IOException or UnauthorizedAccessException or UsageStoreVersionException
        || ex is LiteException { ErrorCode: LiteException.LOCK_TIMEOUT }
        || ex.InnerException is IOException or UnauthorizedAccessException;

    private void Committed(List<UsageEvent> events, UsageWriteResult result)
    {
        Interlocked.Add(ref _committed, result.Inserted);
        Interlocked.Add(ref _duplicates, result.Duplicates);
        var number = Interlocked.Increment(ref _batches);
        lock (_gate)
        {
            _lastCommitTime = DateTime.UtcNow;
            _writeFailing = false;
        }

        if (_options.Committed is { } callback)
        {
            try
            {
                callback(new UsageBatchCommit(number, events.ToArray(), result));
            }
            catch (Exception ex)
            {
                RecordError("A commit listener failed: " + ex.Message);
            }
        }
    }

    /// <summary>Counts a batch as handled; false (nothing counted) when the writer's generation is over.</summary>
    private bool Handled(int count, int generation)
    {
        lock (_gate)
        {
            if (generation != _generation)
            {
                return false;
            }

            _handled += count;
            _batch = null;
            CompleteFlushWaiters();
            return true;
        }
    }

    private void CompleteFlushWaiters()
    {
        for (var i = _flushWaiters.Count - 1; i >= 0; i--)
        {
            if (_flushWaiters[i].Target <= _handled)
            {
                _flushWaiters[i].Done.TrySetResult();
                _flushWaiters.RemoveAt(i);
            }
        }
    }

    private void RecordWriteError(string message)
    {
        lock (_gate)
        {
            SetWriteError(message);
        }
    }

    /// <summary>Records a write failure; the caller holds _gate.</summary>
    private void SetWriteError(string message)
    {
        _writeFailing = true;
        _lastWriteError = message;
        _lastWriteErrorTime = DateTime.UtcNow;
        _lastError = message;
        _lastErrorTime = _lastWriteErrorTime;
    }

    private void RecordError(string message)
    {
        lock (_gate)
        {
            _lastError = message;
            _lastErrorTime = DateTime.UtcNow;
        }
    }
}
