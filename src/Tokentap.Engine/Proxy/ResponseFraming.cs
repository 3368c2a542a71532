// How a response body is delimited on the way to the client.
namespace Tokentap.Engine.Proxy;

/// <summary>The framing the proxy uses for a response body it relays to the client.</summary>
internal enum ResponseFraming
{
    /// <summary>No body (HEAD, 1xx, 204, 304).</summary>
    None,

    /// <summary>The upstream's Content-Length, passed on.</summary>
    ContentLength,

    /// <summary>Chunked transfer coding written by the proxy (HTTP/1.1 clients).</summary>
    Chunked,

    /// <summary>The body ends when the connection closes (HTTP/1.0 clients without a length).</summary>
    CloseDelimited,
}
