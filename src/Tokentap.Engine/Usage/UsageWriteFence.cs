// One write's right to touch the database files: it holds the cross-process lock and can be revoked by the watchdog.
namespace Tokentap.Engine.Usage;

/// <summary>
/// A recorder write opens LiteDB on the files through <see cref="UsageFencedStream"/>s bound to one fence, and the
/// fence holds the cross-process lock of that unit of work. When the recorder's watchdog declares the write hung, it
/// calls <see cref="TryRevoke"/>: the lock is released so other shells go on, and from then on every read, write, flush
/// or resize of those streams throws, so a thread that wakes up later cannot touch the files without the lock.
/// Revoking and every file operation take the same monitor, so revoking never overlaps an operation: either the
/// operation finished before the lock was released, or it is refused. An operation stuck inside the operating system
/// (a write to a disk that never answers) keeps the monitor; then the lock cannot be released safely (the write could
/// still land), and TryRevoke says so instead of releasing it.
/// <para>
/// The first I/O error (a full disk) closes the fence the same way: LiteDB writes its log on a background queue, and a
/// page that failed there can leave a commit that LiteDB reported done with a page missing (25 of 500 events were lost
/// that way in a test). Refusing everything after the first failure keeps the rest of that transaction, its
/// confirmation and the checkpoint out of the files, so the next open ignores it; the write then reports the failure
/// (see <see cref="Failure"/>) and is retried.
/// </para>
/// </summary>
internal sealed class UsageWriteFence
{
    private readonly object _gate = new();
    private IDisposable? _heldLock;
    private bool _revoked;
    private IOException? _failure;

    /// <summary>
    /// A test seam: wraps each stream LiteDB is given, outside the fence (so what it does happens "inside LiteDB", the
    /// way a hang or a failing disk would look to Tokentap).
    /// </summary>
    public Func<Stream, Stream>? WrapStream { get; init; }

    /// <summary>A test seam: wraps each file inside the fence (what it throws is what the disk would).</summary>
    public Func<Stream, Stream>? WrapFile { get; init; }

    /// <summary>The first I/O error of this write, after which nothing more was written; null when none.</summary>
    public IOException? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <summary>True once the fence refuses file operations (revoked, or after an I/O error).</summary>
    public bool Closed
    {
        get
        {
            lock (_gate)
            {
                return _revoked || _failure is not null;
            }
        }
    }

    /// <summary>True once the watchdog revoked this write.</summary>
    public bool Revoked
    {
        get
        {
            lock (_gate)
            {
                return _revoked;
            }
        }
    }

    /// <summary>Releases the lock (if held) and refuses every later file operation; false when one is stuck in the OS.</summary>
    public bool TryRevoke(TimeSpan wait)
    {
        if (!Monitor.TryEnter(_gate, wait))
        {
            return false;
        }

        try
        {
            _revoked = true;
            ReleaseLock();
            return true;
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    /// <summary>Binds the lock of a unit of work to this fence; a revoked fence releases it at once and throws.</summary>
    internal void Attach(IDisposable heldLock)
    {
        lock (_gate)
        {
            if (_revoked)
            {
                heldLock.Dispose();
                throw Refused();
            }

            _heldLock = heldLock;
        }
    }

    /// <summary>The unit of work ended: its lock is released (unless the watchdog did it already).</summary>
    internal void Detach()
    {
        lock (_gate)
        {
            ReleaseLock();
        }
    }

    /// <summary>Runs one file operation, unless the fence was revoked or an earlier operation failed.</summary>
    internal T Run<T>(Func<T> operation)
    {
        lock (_gate)
        {
            if (_revoked)
            {
                throw Refused();
            }

            if (_failure is not null)
            {
                throw new IOException("An earlier operation of this write to the usage database failed; nothing more is written in it: " + _failure.Message, _failure);
            }

            try
            {
                return operation();
            }
            catch (IOException ex)
            {
                _failure = ex;
                throw;
            }
        }
    }

    internal void Run(Action operation) => Run(() =>
    {
        operation();
        return true;
    });

    private void ReleaseLock()
    {
        var held = _heldLock;
        _heldLock = null;
        held?.Dispose();
    }

    private static IOException Refused() =>
        new("This write to the usage database was declared hung and its lock released; it may no longer touch the files.");
}
