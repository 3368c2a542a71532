// Accepts a listening socket's connections with SocketAsyncEventArgs: a stop closes the listener and the pending
// accept ends with an error code instead of an exception.
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// One accept at a time on one listener, reusing one <see cref="SocketAsyncEventArgs"/>. <see cref="AcceptAsync"/>
/// gives the next connection, or null with <see cref="LastError"/> once the listener is closed (OperationAborted) or an
/// accept failed (out of descriptors and the like). Cancelling a Socket.AcceptAsync with a token throws in the accept
/// loop of every listener at every stop; this throws nothing.
/// </summary>
internal sealed class ListenerAcceptor : IValueTaskSource<Socket?>, IDisposable
{
    private readonly Socket _listener;
    private readonly SocketAsyncEventArgs _args = new();
    private ManualResetValueTaskSourceCore<Socket?> _core = new() { RunContinuationsAsynchronously = true };

    public ListenerAcceptor(Socket listener)
    {
        _listener = listener;
        _args.Completed += (_, args) => _core.SetResult(Result(args));
    }

    /// <summary>Why the last accept gave no connection (Success when it gave one).</summary>
    public SocketError LastError { get; private set; }

    /// <summary>The next connection, or null when the listener is closed or the accept failed.</summary>
    public ValueTask<Socket?> AcceptAsync()
    {
        _core.Reset();
        _args.AcceptSocket = null;
        bool pending;
        try
        {
            pending = _listener.AcceptAsync(_args);
        }
        catch (ObjectDisposedException)
        {
            // Closed before this accept began (a stop racing the loop).
            LastError = SocketError.OperationAborted;
            return ValueTask.FromResult<Socket?>(null);
        }

        return pending ? new ValueTask<Socket?>(this, _core.Version) : ValueTask.FromResult(Result(_args));
    }

    public Socket? GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    public void Dispose() => _args.Dispose();

    private Socket? Result(SocketAsyncEventArgs args)
    {
        LastError = args.SocketError;
        if (args.SocketError == SocketError.Success)
        {
            return args.AcceptSocket;
        }

        args.AcceptSocket?.Dispose();
        return null;
    }
}
