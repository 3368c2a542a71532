// A refusal in the error format of the provider the client talks to, with the status that makes the real clients stop.
using System.Text.Encodings.Web;
using System.Text.Json;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Status codes and error types chosen so the real clients stop at once and show the message instead of retrying
/// (measured with Claude Code, Codex CLI and Gemini CLI for the budgets; see docs/budgets.md): none of them retries a
/// 4xx other than 408, 409 and 429, and every answer also says x-should-retry: false, which the Anthropic and OpenAI
/// SDKs honour. Budgets and the retry-loop guard answer through here.
/// </summary>
internal static class ProviderErrorAnswer
{
    /// <summary>Anthropic Messages: 400 invalid_request_error.</summary>
    public const int AnthropicStatus = 400;

    /// <summary>OpenAI Chat Completions and Responses: 400 invalid_request_error with the caller's code.</summary>
    public const int OpenAiStatus = 400;

    /// <summary>Gemini: 400 FAILED_PRECONDITION.</summary>
    public const int GeminiStatus = 400;

    /// <summary>
    /// A refused WebSocket upgrade (Codex's Responses WebSocket): 426, on which Codex falls back at once to an HTTPS
    /// POST, which is then refused with the message.
    /// </summary>
    public const int WebSocketStatus = 426;

    /// <summary>
    /// The answer for <paramref name="format"/>: <paramref name="openAiCode"/> is the OpenAI body's "code",
    /// <paramref name="header"/> one more response header naming what refused, <paramref name="reason"/> the line for
    /// the recorded event.
    /// </summary>
    public static GateRefusal Create(WireFormat format, string message, string openAiCode, bool webSocketUpgrade, KeyValuePair<string, string> header, string reason)
    {
        var buffer = new MemoryStream();
        int status;
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            switch (format)
            {
                case WireFormat.AnthropicMessages:
                    status = AnthropicStatus;
                    json.WriteString("type", "error");
                    json.WriteStartObject("error");
                    json.WriteString("type", "invalid_request_error");
                    json.WriteString("message", message);
                    json.WriteEndObject();
                    break;
                case WireFormat.Gemini:
                    status = GeminiStatus;
                    json.WriteStartObject("error");
                    json.WriteNumber("code", status);
                    json.WriteString("message", message);
                    json.WriteString("status", "FAILED_PRECONDITION");
                    json.WriteEndObject();
                    break;
                default:
                    status = OpenAiStatus;
                    json.WriteStartObject("error");
                    json.WriteString("message", message);
                    json.WriteString("type", "invalid_request_error");
                    json.WriteNull("param");
                    json.WriteString("code", openAiCode);
                    json.WriteEndObject();
                    break;
            }

            json.WriteEndObject();
        }

        return new GateRefusal
        {
            StatusCode = webSocketUpgrade ? WebSocketStatus : status,
            Body = buffer.ToArray(),
            Headers = [new("x-should-retry", "false"), header],
            Reason = reason,
        };
    }
}
