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

    private sealed class Failing(Stream inner, NoSpaceDisk disk) : Stream
    {
        private int _writes;

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (++_writes == 2 && disk.TakeFailure())
            {
                throw new IOException("No space left on device", NoSpaceLeft);
            }

            inner.Write(buffer, offset, count);
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);

        public override void Flush() => inner.Flush();
    }
}
