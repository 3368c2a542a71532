// One connection's client process, looked up on first need and kept, so later requests on the connection pay nothing.
using System.Net;
using System.Net.Sockets;

namespace Tokentap.Engine.Clients;

/// <summary>
/// Holds a connection's endpoints from the moment it is accepted and resolves its client process the first time an
/// observed request asks (while that client is still waiting for its answer, so still alive). The lookup reads the
/// file system, so it runs on a thread of its own: fifty new connections at once never block the thread pool the proxy's
/// sockets run on. A request is forwarded without waiting for it unless a request gate needs it; the tap that records
/// the request waits for it off the client's path. Requests on one connection come one after another.
/// </summary>
internal sealed class ClientProcessLookup
{
    private readonly IClientProcessResolver? _resolver;
    private readonly IPEndPoint? _client;
    private readonly IPEndPoint? _proxy;
    private readonly Action<Exception> _onFailure;
    private Task<ClientProcess?>? _lookup;

    /// <param name="resolver">The platform's resolver; null means no lookup.</param>
    /// <param name="socket">The accepted client socket.</param>
    /// <param name="onFailure">Told about a resolver that threw (a bug: resolvers do not throw); the exchange goes on.</param>
    public ClientProcessLookup(IClientProcessResolver? resolver, Socket socket, Action<Exception> onFailure)
    {
        _resolver = resolver;
        _onFailure = onFailure;
        if (resolver is null)
        {
            return;
        }

        try
        {
            _client = socket.RemoteEndPoint as IPEndPoint;
            _proxy = socket.LocalEndPoint as IPEndPoint;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client is already gone: nothing to look up.
        }
    }

    /// <summary>The lookup when one was started (finished or not), else null (never starts one).</summary>
    public Task<ClientProcess?>? Started => _lookup;

    /// <summary>The client process, or null when it cannot be told; looked up on the first call only.</summary>
    public Task<ClientProcess?> GetAsync()
    {
        if (_lookup is not null)
        {
            return _lookup;
        }

        if (_resolver is null || _client is null || _proxy is null)
        {
            return _lookup = Task.FromResult<ClientProcess?>(null);
        }

        return _lookup = Task.Factory.StartNew(Resolve, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private ClientProcess? Resolve()
    {
        try
        {
            return _resolver!.Resolve(_client!, _proxy!);
        }
        catch (Exception ex)
        {
            _onFailure(ex);
            return null;
        }
    }
}
