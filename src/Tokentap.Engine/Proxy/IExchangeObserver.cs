// The seam between the proxy and whatever watches its traffic (the provider parsers): the proxy knows no providers.
namespace Tokentap.Engine.Proxy;

/// <summary>
/// Watches exchanges on intercepted hosts. <see cref="BeginExchange"/> runs on the proxy path after the request
/// head and body were read and before they are forwarded, so it must be quick; it may rewrite the request body.
/// The proxy catches and records anything it throws; a throwing observer never breaks the exchange.
/// </summary>
public interface IExchangeObserver
{
    /// <summary>Returns a tap that receives this exchange's response, or null to leave it unobserved.</summary>
    IExchangeTap? BeginExchange(ExchangeRequest request);
}

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
