// Tuning of the background writer that moves published events into the store.
namespace Tokentap.Engine.Usage;

/// <summary>Queue size, batching and retry timing of a <see cref="UsageRecorder"/>.</summary>
public sealed record UsageRecorderOptions
{
    /// <summary>Events the queue holds before Publish starts dropping (and counting) them.</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>Queued events that wake the writer before <see cref="FlushInterval"/> has passed.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// Most events written in one transaction (a backlog is written in batches of this size). Large batches matter for
    /// bulk throughput: what each transaction pays once (opening the file, the rollup and label reads, the commit and
    /// the checkpoint at close) is shared among more events.
    /// </summary>
    public int MaxBatchSize { get; init; } = 5000;

    /// <summary>Longest time a published event waits before the writer picks it up.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>First wait after a failed write; doubles on each failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between two attempts at a failing write.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one write to the store may take before the watchdog declares it hung: the failure is reported, the
    /// database lock is released for other processes (the hung write can no longer touch the files), the batch goes
    /// back to the queue and a new writer thread carries on. Generous: a healthy write of 5,000 events takes well
    /// under a second, and the lock wait it includes is at most 10 seconds.
    /// </summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A test seam: wraps the streams LiteDB writes through (see <see cref="UsageWriteFence.WrapStream"/>).</summary>
    internal Func<Stream, Stream>? WriteStreams { get; init; }

    /// <summary>A test seam: wraps the database files under the fence (see <see cref="UsageWriteFence.WrapFile"/>).</summary>
    internal Func<Stream, Stream>? WriteFiles { get; init; }

    /// <summary>How long Dispose (the host's shutdown path, process exit included) waits for queued events to be written.</summary>
    public TimeSpan ExitTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Called on the writer thread after each batch is committed (on disk). Must be quick; exceptions are caught and
    /// reported as <see cref="UsageRecorderStatus.LastError"/>.
    /// </summary>
    public Action<UsageBatchCommit>? Committed { get; init; }
}
