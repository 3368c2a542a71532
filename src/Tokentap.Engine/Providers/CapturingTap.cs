// The usage tap with content capture beside it: the same calls reach both, content first, each guarded.
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Wraps a <see cref="UsageTap"/> when content capture is on. A content failure is recorded on the observer and
/// stops content capture for the exchange; it never touches the usage numbers or the client's stream.
/// </summary>
internal sealed class CapturingTap(UsageObserver observer, IExchangeTap usage, IContentExchange content) : IExchangeTap
{
    private bool _contentFailed;

    public void OnResponseHead(ExchangeResponseHead head) => usage.OnResponseHead(head);

    public void OnResponseBody(ReadOnlySpan<byte> decoded)
    {
        if (!_contentFailed)
        {
            try
            {
                content.OnResponseBody(decoded);
            }
            catch (Exception ex)
            {
                Failed(ex);
            }
        }

        usage.OnResponseBody(decoded);
    }

    public void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload)
    {
        if (!_contentFailed)
        {
            try
            {
                content.OnWebSocketMessage(direction, isText, payload);
            }
            catch (Exception ex)
            {
                Failed(ex);
            }
        }

        usage.OnWebSocketMessage(direction, isText, payload);
    }

    public void OnCompleted(ExchangeCompletion completion)
    {
        try
        {
            if (!_contentFailed)
            {
                content.OnResponseEnded();
            }
        }
        catch (Exception ex)
        {
            Failed(ex);
        }

        usage.OnCompleted(completion);
        try
        {
            content.Dispose();
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    /// <summary>Handed to the usage tap: each event it publishes, linked to this exchange's content.</summary>
    public static Action<UsageEvent> Linker(UsageObserver observer, IContentExchange content) => usage =>
    {
        try
        {
            content.OnPublished(usage);
        }
        catch (Exception ex)
        {
            observer.RecordFailure("capturing content", ex);
        }
    };

    private void Failed(Exception ex)
    {
        _contentFailed = true;
        observer.RecordFailure("capturing content", ex);
    }
}
