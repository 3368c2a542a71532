// The one interface every wire-format usage parser implements; the tap drives it with the exchange's response.
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// An incremental parser for one wire format. Calls come in order from one thread. Implementations never throw for
/// bad input: malformed data becomes <see cref="UsageReport.Error"/>.
/// </summary>
internal interface IUsageParser : IDisposable
{
    /// <summary>What was learned about the response (for WebSocket exchanges: the turn in flight, if any).</summary>
    UsageReport Report { get; }

    /// <summary>True once the body turned out to be an SSE stream.</summary>
    bool SawStream { get; }

    /// <summary>
    /// True while a WebSocket turn is in flight (its request sent, no terminal event yet): <see cref="Report"/> then
    /// describes that turn. Always false for formats without turns.
    /// </summary>
    bool TurnOpen { get; }

    /// <summary>The response status arrived.</summary>
    void OnResponseHead(int statusCode);

    /// <summary>The next piece of the decoded response body, at any boundary.</summary>
    void Feed(ReadOnlySpan<byte> chunk);

    /// <summary>One WebSocket message, either direction.</summary>
    void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload);

    /// <summary>The body ended (normally or not): flush what is pending.</summary>
    void Complete();
}
