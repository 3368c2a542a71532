// The answer to a request a spent Block budget refuses, in the error format of the provider the client talks to.
using System.Text.Encodings.Web;
using System.Text.Json;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Budgets;

/// <summary>
/// Status codes and error types chosen so the real clients stop at once and show the message instead of retrying
/// (measured with Claude Code, Codex CLI and Gemini CLI; see docs/budgets.md): none of them retries a 4xx other than
/// 408, 409 and 429, and every answer also says x-should-retry: false, which the Anthropic and OpenAI SDKs honour.
/// </summary>
internal static class BudgetRefusal
{
    /// <summary>Anthropic Messages: 400 invalid_request_error.</summary>
    public const int AnthropicStatus = 400;

    /// <summary>OpenAI Chat Completions and Responses: 400 invalid_request_error, code budget_exceeded.</summary>
    public const int OpenAiStatus = 400;

    /// <summary>Gemini: 400 FAILED_PRECONDITION.</summary>
    public const int GeminiStatus = 400;

    /// <summary>
    /// A refused WebSocket upgrade (Codex's Responses WebSocket): 426, on which Codex falls back at once to an HTTPS
    /// POST, which is then refused with the message.
    /// </summary>
    public const int WebSocketStatus = 426;

    public static GateRefusal Create(WireFormat format, BudgetHit hit, bool webSocketUpgrade)
    {
        var message = hit.Message;
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
                    json.WriteString("code", "budget_exceeded");
                    json.WriteEndObject();
                    break;
            }

            json.WriteEndObject();
        }

        return new GateRefusal
        {
            StatusCode = webSocketUpgrade ? WebSocketStatus : status,
            Body = buffer.ToArray(),
            Headers = [new("x-should-retry", "false"), new("x-tokentap-budget", hit.Name)],
            Reason = $"budget '{hit.Name}' is spent ({BudgetDefinition.Money(hit.Spent)} of {BudgetDefinition.Money(hit.Amount)}, {hit.Period.Text})",
        };
    }
}
