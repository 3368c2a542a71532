// A stream LiteDB writes through whose first write hangs until the test lets it go: a hang inside LiteDB.
namespace Tokentap.Engine.Tests.Usage;

/// <summary>
/// Wraps the streams of every recorder write (through UsageRecorderOptions.WriteStreams); the first write of all of
/// them blocks until <see cref="Release"/>, then goes on to the real (fenced) stream and records what happened there.
/// </summary>
internal sealed class HangingStream : Stream
{
    private readonly Stream _inner;
    private readonly Gate _gate;

    private HangingStream(Stream inner, Gate gate) => (_inner, _gate) = (inner, gate);

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    /// <summary>A wrapper factory sharing one gate: only the first write of all hangs.</summary>
    public static Func<Stream, Stream> Factory(Gate gate) => inner => new HangingStream(inner, gate);

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Interlocked.Exchange(ref _gate.Armed, 0) == 1)
        {
            _gate.Entered.Set();
            _gate.Released.Wait();
            try
            {
                _inner.Write(buffer, offset, count);
                _gate.Outcome.TrySetResult("written");
            }
            catch (Exception ex)
            {
                _gate.Outcome.TrySetResult(ex.GetType().Name + ": " + ex.Message);
                throw;
            }

            return;
        }

        _inner.Write(buffer, offset, count);
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void SetLength(long value) => _inner.SetLength(value);

    public override void Flush() => _inner.Flush();

    /// <summary>The state shared by the wrappers of one test.</summary>
    internal sealed class Gate : IDisposable
    {
        public int Armed = 1;

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Released { get; } = new();

        /// <summary>What the hung write met when it went on: "written", or the exception it got.</summary>
        public TaskCompletionSource<string> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.Set();

        public void Dispose()
        {
            Released.Set();
            Entered.Dispose();
        }
    }
}
