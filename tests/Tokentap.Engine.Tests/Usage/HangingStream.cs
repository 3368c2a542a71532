// A stream LiteDB writes through whose first write hangs until the test lets it go: a hang inside LiteDB.
using Tokentap.TestProcess;

namespace Tokentap.Engine.Tests.Usage;

/// <summary>
/// Wraps the streams of every recorder write (through UsageRecorderOptions.WriteStreams); the first write of all of
/// them blocks until <see cref="Release"/>, then goes on to the real (fenced) stream and records what happened there.
/// </summary>
internal sealed class HangingStream : PassThroughStream
{
    private readonly Gate _gate;

    private HangingStream(Stream inner, Gate gate)
        : base(inner) => _gate = gate;

    /// <summary>A wrapper factory sharing one gate: only the first write of all hangs.</summary>
    public static Func<Stream, Stream> Factory(Gate gate) => inner => new HangingStream(inner, gate);

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Interlocked.Exchange(ref _gate.Armed, 0) == 1)
        {
            _gate.Entered.Set();
            _gate.Released.Wait();
            try
            {
                Inner.Write(buffer, offset, count);
                _gate.Outcome.TrySetResult("written");
            }
            catch (Exception ex)
            {
                _gate.Outcome.TrySetResult(ex.GetType().Name + ": " + ex.Message);
                throw;
            }

            return;
        }

        Inner.Write(buffer, offset, count);
    }

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
