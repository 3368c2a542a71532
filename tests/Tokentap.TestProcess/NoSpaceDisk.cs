// A disk that runs out of space in the middle of LiteDB's writes a given number of times, then has room again.
namespace Tokentap.TestProcess;

/// <summary>
/// Wraps the files of recorder writes: while failures remain, the second page written to the log file in a unit of
/// work fails with the IOException a full disk gives (ENOSPC), so the commit breaks off after it started. LiteDB writes
/// the log on its own background queue (DiskWriterQueue), so the failure happens on that thread, as it does on a real
/// full disk. Each unit of work opens the data file first, then the log.
/// </summary>
internal sealed class NoSpaceDisk
{
    private const int NoSpaceLeft = 28;
    private int _remaining;
    private int _injected;
    private int _wrapped;

    public NoSpaceDisk(int failures) => _remaining = failures;

    /// <summary>Failures injected so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    public Stream Wrap(Stream inner) => Interlocked.Increment(ref _wrapped) % 2 == 0 ? new Failing(inner, this) : inner;

    private bool TakeFailure()
    {
        if (Interlocked.Decrement(ref _remaining) < 0)
        {
            return false;
        }

        Interlocked.Increment(ref _injected);
        return true;
    }

    private sealed class Failing(Stream inner, NoSpaceDisk disk) : PassThroughStream(inner)
    {
        private int _writes;

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (++_writes == 2 && disk.TakeFailure())
            {
                throw new IOException("No space left on device", NoSpaceLeft);
            }

            Inner.Write(buffer, offset, count);
        }
    }
}
