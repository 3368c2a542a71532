// Ids read from request and response headers: the provider's request id and the client's own session id.
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

internal static class ExchangeHeaders
{
    private static readonly string[] RequestIdHeaders = { "request-id", "x-request-id", "x-ms-request-id", "apim-request-id", "x-goog-request-id" };
    private static readonly string[] SessionHeaders = { "x-claude-code-session-id", "session-id" };

    /// <summary>The provider's request id (Anthropic request-id, OpenAI x-request-id, Azure x-ms-request-id, ...).</summary>
    public static string? RequestId(HeaderList responseHeaders) => First(responseHeaders, RequestIdHeaders);

    /// <summary>The client's conversation id (Claude Code's x-claude-code-session-id, Codex's session-id).</summary>
    public static string? ClientSessionId(HeaderList requestHeaders) => First(requestHeaders, SessionHeaders);

    private static string? First(HeaderList headers, string[] names)
    {
        foreach (var name in names)
        {
            var value = headers.Get(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }
}
