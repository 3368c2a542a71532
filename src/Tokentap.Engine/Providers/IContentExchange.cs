// What content capture receives of one billed exchange: the decoded response, WebSocket messages, the events it made.
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Calls come in order on the tap's worker, each one before the usage parser sees the same data, so a turn's text is
/// complete when its event is published. Implementations never throw.
/// </summary>
internal interface IContentExchange : IDisposable
{
    void OnResponseBody(ReadOnlySpan<byte> decoded);

    void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload);

    /// <summary>The body ended: flush what is pending (before the usage event of a plain exchange is published).</summary>
    void OnResponseEnded();

    /// <summary>A usage event of this exchange was published: its content is linked to it by <see cref="UsageEvent.Id"/>.</summary>
    void OnPublished(UsageEvent usage);
}
