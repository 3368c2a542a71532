// The seam between the proxy and the operating system's knowledge of which process owns a loopback socket.
using System.Net;

namespace Tokentap.Engine.Clients;

/// <summary>Tells which process holds the client end of a loopback TCP connection.</summary>
public interface IClientProcessResolver
{
    /// <summary>
    /// The process holding the client end of the connection between <paramref name="client"/> and
    /// <paramref name="proxy"/>, or null when that cannot be told (the client already closed, a process of another
    /// user, an operating system without support). Never throws; may read the file system, so call it once per
    /// connection, not per request.
    /// </summary>
    /// <param name="client">The client's end, as the proxy sees it (the accepted socket's remote endpoint).</param>
    /// <param name="proxy">The proxy's end (the accepted socket's local endpoint).</param>
    ClientProcess? Resolve(IPEndPoint client, IPEndPoint proxy);
}
