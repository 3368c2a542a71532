// Assembles a response's text and tool calls from the decoded copy the tap sees (SSE deltas, JSON bodies, WebSocket).
using System.Text;
using System.Text.Json;
using Tokentap.Engine.Providers;

namespace Tokentap.Engine.Content;

/// <summary>
/// Frames the decoded response like the usage parsers do (SSE, JSON body, JSON-array stream) and reads each payload of
/// its wire format for generated text and tool calls. Bounded: past <c>maxChars</c> only the count of what was
/// dropped grows. Never throws for bad input; it runs only while content capture is on.
/// </summary>
internal sealed class ResponseAssembler : IPayloadHandler, IDisposable
{
    private const int MaxPayloadBytes = 16 * 1024 * 1024;
    private readonly WireFormat _format;
    private readonly int _maxChars;
    private readonly StringBuilder _text = new();
    private readonly SortedDictionary<int, CapturedToolCall> _tools = new();
    private SseDecoder? _sse;
    private JsonObjectSplitter? _json;

    public ResponseAssembler(WireFormat format, int maxChars)
    {
        _format = format;
        _maxChars = maxChars;
    }

    /// <summary>Characters of text or arguments left out past the cap.</summary>
    public long DroppedChars { get; private set; }

    public string Text => _text.ToString();

    public IReadOnlyList<CapturedToolCall> ToolCalls => _tools.Values.ToList();

    /// <summary>The next piece of the decoded body.</summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_sse is null && _json is null)
        {
            var trimmed = chunk.TrimStart(" \t\r\n\uFEFF"u8);
            if (trimmed.IsEmpty)
            {
                return;
            }

            chunk = trimmed;
            if (chunk[0] is (byte)'{' or (byte)'[')
            {
                _json = new JsonObjectSplitter(this, MaxPayloadBytes);
            }
            else
            {
                _sse = new SseDecoder(this, MaxPayloadBytes);
            }
        }

        if (_sse is not null)
        {
            _sse.Feed(chunk);
        }
        else
        {
            _json!.Feed(chunk);
        }
    }

    /// <summary>One server message of a WebSocket exchange (a Responses event).</summary>
    public void OnServerMessage(ReadOnlySpan<byte> payload) => OnPayload(default, payload);

    /// <summary>The body ended: flush the framer.</summary>
    public void Finish() => _sse?.Finish();

    /// <summary>Starts over for the next WebSocket turn.</summary>
    public void Reset()
    {
        _text.Clear();
        _tools.Clear();
        DroppedChars = 0;
    }

    public void Dispose()
    {
        _sse?.Dispose();
        _json?.Dispose();
    }

    public void OnPayload(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(trimmed.ToArray());
            var root = document.RootElement;
            switch (_format)
            {
                case WireFormat.AnthropicMessages: Anthropic(root); break;
                case WireFormat.OpenAiChat: Chat(root); break;
                case WireFormat.OpenAiResponses: Responses(root); break;
                case WireFormat.Gemini: Gemini(root.TryGetProperty("response", out var wrapped) ? wrapped : root); break;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // A payload the usage parser also rejects; the text of the others is still assembled.
        }
    }

    public void OnFramingError(string message)
    {
    }

    private void Anthropic(JsonElement root)
    {
        var type = Str(root, "type");
        var index = root.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : 0;
        if (type == "content_block_start" && root.TryGetProperty("content_block", out var block) && Str(block, "name") is { } name)
        {
            _tools[index] = new CapturedToolCall(name);
        }
        else if (type == "content_block_delta" && root.TryGetProperty("delta", out var delta))
        {
            if (Str(delta, "text") is { } text)
            {
                Append(_text, text);
            }
            else if (Str(delta, "partial_json") is { } json && _tools.TryGetValue(index, out var tool))
            {
                Append(tool.Arguments, json);
            }
        }
        else if (type == "message" && root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (Str(part, "type") == "text" && Str(part, "text") is { } text)
                {
                    Append(_text, text);
                }
                else if (Str(part, "name") is { } tool)
                {
                    AddTool(tool, part.TryGetProperty("input", out var input) ? input.GetRawText() : "");
                }
            }
        }
    }

    private void Chat(JsonElement root)
    {
        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.TryGetProperty("index", out var n) && n.ValueKind == JsonValueKind.Number && n.GetInt32() != 0)
            {
                continue;
            }

            var message = choice.TryGetProperty("delta", out var delta) ? delta : choice.TryGetProperty("message", out var whole) ? whole : default;
            if (message.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (Str(message, "content") is { } text)
            {
                Append(_text, text);
            }

            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                var position = 0;
                foreach (var call in calls.EnumerateArray())
                {
                    var index = call.TryGetProperty("index", out var ix) && ix.ValueKind == JsonValueKind.Number ? ix.GetInt32() : position;
                    position++;
                    var function = call.TryGetProperty("function", out var f) ? f : default;
                    if (function.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (!_tools.TryGetValue(index, out var tool))
                    {
                        _tools[index] = tool = new CapturedToolCall(Str(function, "name") ?? "");
                    }
                    else if (Str(function, "name") is { Length: > 0 } name)
                    {
                        tool.Name = name;
                    }

                    if (Str(function, "arguments") is { } arguments)
                    {
                        Append(tool.Arguments, arguments);
                    }
                }
            }
        }
    }

    private void Responses(JsonElement root)
    {
        var type = Str(root, "type");
        var index = root.TryGetProperty("output_index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : 0;
        switch (type)
        {
            case "response.output_text.delta":
                Append(_text, Str(root, "delta") ?? "");
                break;
            case "response.output_item.added" when root.TryGetProperty("item", out var item) && Str(item, "type") == "function_call":
                _tools[index] = new CapturedToolCall(Str(item, "name") ?? "");
                break;
            case "response.function_call_arguments.delta" when _tools.TryGetValue(index, out var tool):
                Append(tool.Arguments, Str(root, "delta") ?? "");
                break;
            case "response.completed" or "response.done" when _text.Length == 0 && _tools.Count == 0 && root.TryGetProperty("response", out var response):
                ResponseOutput(response);
                break;
            case null when root.TryGetProperty("output", out _):
                ResponseOutput(root);
                break;
        }
    }

    // A whole response object (a JSON body, or a stream's final event when no deltas came).
    private void ResponseOutput(JsonElement response)
    {
        if (!response.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var item in output.EnumerateArray())
        {
            if (Str(item, "type") == "function_call")
            {
                AddTool(Str(item, "name") ?? "", Str(item, "arguments") ?? "");
            }
            else if (Str(item, "type") == "message" && item.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    if (Str(part, "type") == "output_text" && Str(part, "text") is { } text)
                    {
                        Append(_text, text);
                    }
                }
            }
        }
    }

    private void Gemini(JsonElement root)
    {
        if (!root.TryGetProperty("candidates", out var candidates) || candidates.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var candidate in candidates.EnumerateArray().Take(1))
        {
            if (!candidate.TryGetProperty("content", out var content) || !content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var part in parts.EnumerateArray())
            {
                if (part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True)
                {
                    continue;
                }

                if (Str(part, "text") is { } text)
                {
                    Append(_text, text);
                }
                else if (part.TryGetProperty("functionCall", out var call))
                {
                    AddTool(Str(call, "name") ?? "", call.TryGetProperty("args", out var args) ? args.GetRawText() : "");
                }
            }
        }
    }

    private void AddTool(string name, string arguments)
    {
        var tool = new CapturedToolCall(name);
        Append(tool.Arguments, arguments);
        _tools[_tools.Count == 0 ? 0 : _tools.Keys.Max() + 1] = tool;
    }

    private void Append(StringBuilder target, string text)
    {
        var room = Math.Max(0, _maxChars - _text.Length - _tools.Values.Sum(t => t.Arguments.Length));
        var kept = Math.Min(room, text.Length);
        target.Append(text, 0, kept);
        DroppedChars += text.Length - kept;
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
