// Content capture of one billed exchange: the request as the client sent it, the response as it streamed.
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Content;

/// <summary>
/// Holds a reference to the request body the proxy already read (no copy) and assembles the response from the tap's
/// decoded copy. When the usage event is published the request is sanitized (on the tap's worker, after the response
/// ended, so the client is never delayed) and the record is queued for the writer. Over a WebSocket each client
/// message starts a turn and each published turn event takes that turn's request and response.
/// </summary>
internal sealed class ContentExchange : IContentExchange
{
    private readonly ContentCapture _capture;
    private readonly ApiRoute _route;
    private readonly ResponseAssembler _response;
    private ReadOnlyMemory<byte> _body;
    private (string Json, bool Truncated)? _turnRequest;

    public ContentExchange(ContentCapture capture, ApiRoute route, ExchangeRequest request)
    {
        _capture = capture;
        _route = route;
        _body = request.IsWebSocketUpgrade ? ReadOnlyMemory<byte>.Empty : request.ReceivedBody;
        _response = new ResponseAssembler(route.Format, ContentCapture.MaxResponseChars);
    }

    public void OnResponseBody(ReadOnlySpan<byte> decoded) => _response.Feed(decoded);

    public void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload)
    {
        if (!isText)
        {
            return;
        }

        if (direction == WebSocketMessageDirection.ClientToServer)
        {
            _turnRequest = RequestSanitizer.Sanitize(payload, _capture.Redaction, ContentCapture.MaxRequestBytes);
            _response.Reset();
        }
        else
        {
            _response.OnServerMessage(payload);
        }
    }

    public void OnResponseEnded() => _response.Finish();

    public void OnPublished(UsageEvent usage)
    {
        if (usage.Blocked)
        {
            return;
        }

        var (json, truncated) = _turnRequest ?? RequestSanitizer.Sanitize(_body.Span, _capture.Redaction, ContentCapture.MaxRequestBytes);
        _capture.Writer.Publish(new ContentRecord
        {
            Id = usage.Id,
            Timestamp = usage.Timestamp,
            Provider = usage.Provider,
            Endpoint = usage.Endpoint,
            Model = usage.Model,
            Format = _route.Format.ToString(),
            RequestJson = json,
            ResponseText = _response.Text,
            ToolCalls = _response.ToolCalls.Select(t => new ContentToolCall(t.Name, t.Arguments.ToString())).ToList(),
            Truncated = truncated || _response.DroppedChars > 0,
        });
        _turnRequest = null;
        _response.Reset();
    }

    public void Dispose()
    {
        _body = ReadOnlyMemory<byte>.Empty;
        _response.Dispose();
    }
}
