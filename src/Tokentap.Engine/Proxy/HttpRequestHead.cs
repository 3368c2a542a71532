// A parsed HTTP/1.x request line and header section, with the body framing the headers declare.
namespace Tokentap.Engine.Proxy;

/// <summary>One request head as received from a client.</summary>
internal sealed class HttpRequestHead
{
    public required string Method { get; init; }

    /// <summary>The request target exactly as sent (origin-, absolute- or authority-form).</summary>
    public required string Target { get; init; }

    /// <summary>1 for HTTP/1.1, 0 for HTTP/1.0.</summary>
    public required int MinorVersion { get; init; }

    public required HeaderList Headers { get; init; }

    public required RequestBodyFraming BodyFraming { get; init; }

    /// <summary>The declared Content-Length when <see cref="BodyFraming"/> is ContentLength; else 0.</summary>
    public long ContentLength { get; init; }

    public bool IsConnect => ReferenceEquals(Method, "CONNECT") || Method == "CONNECT";

    /// <summary>The client sent Expect: 100-continue and waits for a go-ahead before sending the body.</summary>
    public bool ExpectsContinue =>
        Headers.Get("Expect") is { } expect && expect.Trim().Equals("100-continue", StringComparison.OrdinalIgnoreCase);

    /// <summary>The client wants the connection kept open after this exchange.</summary>
    public bool KeepAlive
    {
        get
        {
            var connection = Headers.Get("Connection");
            if (MinorVersion == 0)
            {
                return connection is not null && HopByHopHeaders.ListContains(connection, "keep-alive");
            }

            return connection is null || !HopByHopHeaders.ListContains(connection, "close");
        }
    }

    /// <summary>A WebSocket upgrade request (Upgrade: websocket with Connection: upgrade).</summary>
    public bool IsWebSocketUpgrade =>
        Headers.Get("Upgrade") is { } upgrade
        && HopByHopHeaders.ListContains(upgrade, "websocket")
        && Headers.Get("Connection") is { } connection
        && HopByHopHeaders.ListContains(connection, "upgrade");
}
