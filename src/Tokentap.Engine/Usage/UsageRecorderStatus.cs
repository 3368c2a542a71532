// The counters of the recorder, for Get-Tokentap.
namespace Tokentap.Engine.Usage;

/// <summary>
/// A snapshot of what the recorder did. Every published event ends up in exactly one of Committed, Duplicates,
/// Rejected or Abandoned, or is still Pending; Dropped counts events refused because the queue was full.
/// </summary>
public sealed record UsageRecorderStatus
{
    /// <summary>Events accepted into the queue.</summary>
    public long Published { get; init; }

    /// <summary>Events written to the database (on disk).</summary>
    public long Committed { get; init; }

    /// <summary>Events skipped because an event with the same unique key was already stored.</summary>
    public long Duplicates { get; init; }

    /// <summary>Events refused by Publish because the queue was full.</summary>
    public long Dropped { get; init; }

    /// <summary>Events the database refused on their own, after their batch kept failing.</summary>
    public long Rejected { get; init; }

    /// <summary>Events still unwritten when the recorder stopped (the database stayed unavailable).</summary>
    public long Abandoned { get; init; }

    /// <summary>Events queued or being written.</summary>
    public long Pending { get; init; }

    /// <summary>Batches committed.</summary>
    public long Batches { get; init; }

    /// <summary>Write attempts that failed (each is retried while that can help).</summary>
    public long FailedBatches { get; init; }

    /// <summary>The last failure, as a message naming the file; null when there was none.</summary>
    public string? LastError { get; init; }

    /// <summary>
    /// True while writes fail (a full disk, a folder that cannot be written, a write the watchdog declared hung): the
    /// events wait in the queue and are written once a write succeeds again. Cleared by the next committed batch.
    /// </summary>
    public bool WriteFailing { get; init; }

    /// <summary>The last failed write, as a message naming the file (kept after writes succeed again); null when none.</summary>
    public string? LastWriteError { get; init; }

    /// <summary>When the last write failed (UTC).</summary>
    public DateTime? LastWriteErrorTime { get; init; }

    /// <summary>When the last failure happened (UTC).</summary>
    public DateTime? LastErrorTime { get; init; }

    /// <summary>When the last batch was committed (UTC).</summary>
    public DateTime? LastCommitTime { get; init; }

    /// <summary>True while the writer thread runs.</summary>
    public bool Running { get; init; }
}
