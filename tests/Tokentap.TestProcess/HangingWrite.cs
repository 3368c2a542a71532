// A recorder write whose first log write blocks until let go: a hang inside LiteDB, for the "hang" mode.
namespace Tokentap.TestProcess;

/// <summary>Wraps the streams of recorder writes; the first write of all blocks until <see cref="LetGo"/>.</summary>
internal sealed class HangingWrite : IDisposable
{
    private readonly ManualResetEventSlim _released = new();
    private readonly ManualResetEventSlim _finished = new();
    private int _armed = 1;

    public Stream Wrap(Stream inner) => new Hanging(inner, this);

    /// <summary>Lets the hung write go on and waits until it returned (refused by the fence) or threw.</summary>
    public bool LetGo(TimeSpan timeout)
    {
        _released.Set();
        return _finished.Wait(timeout);
    }

    public void Dispose()
    {
        _released.Set();
        _released.Dispose();
        _finished.Dispose();
    }

    private sealed class Hanging(Stream inner, HangingWrite owner) : PassThroughStream(inner)
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Interlocked.Exchange(ref owner._armed, 0) == 1)
            {
                owner._released.Wait();
                try
                {
                    Inner.Write(buffer, offset, count);
                }
                finally
                {
                    owner._finished.Set();
                }

                return;
            }

            Inner.Write(buffer, offset, count);
        }
    }
}
