// What receives one observed exchange's response, off the client's path.
namespace Tokentap.Engine.Proxy;

/// <summary>
/// Receives one exchange's response. Calls come in order, one at a time, on an observer worker, never on the path
/// that writes to the client: each chunk has already been written to the client when the tap sees it, and a slow tap
/// never delays the client (if it falls too far behind, the proxy stops feeding it and says so in the completion).
/// <see cref="OnCompleted"/> is always called exactly once, also when no response arrived.
/// </summary>
public interface IExchangeTap
{
    /// <summary>The upstream's status line and headers (the upgrade answer for WebSocket exchanges).</summary>
    void OnResponseHead(ExchangeResponseHead head);

    /// <summary>The next piece of the response body, decoded from its Content-Encoding, in arrival order.</summary>
    void OnResponseBody(ReadOnlySpan<byte> decoded);

    /// <summary>One complete WebSocket message (frames reassembled, unmasked), either direction.</summary>
    void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload);

    /// <summary>The end of the exchange, with timings and what went wrong, if anything.</summary>
    void OnCompleted(ExchangeCompletion completion);
}
