// Turns a stored content record into what users see: system prompt, messages and tools read per wire format.
using System.Text;
using System.Text.Json;

namespace Tokentap.Engine.Content;

/// <summary>
/// Reads the stored request JSON of each wire format (Anthropic messages, Chat Completions messages, Responses input
/// items, Gemini contents) into roles and text; tool calls and results become "[tool call name] args" and
/// "[tool result] text" lines. What it does not know stays in <see cref="TokenUsageContent.RequestJson"/>.
/// </summary>
internal static class ContentView
{
    public static TokenUsageContent From(ContentRecord record)
    {
        var messages = new List<TokenUsageContentMessage>();
        var tools = new List<string>();
        string? system = null;
        try
        {
            using var document = JsonDocument.Parse(record.RequestJson);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && record.Format == "Gemini" && root.TryGetProperty("request", out var wrapped))
            {
                root = wrapped;
            }

            if (root.ValueKind == JsonValueKind.Object)
            {
                system = Read(record.Format, root, messages, tools);
            }
        }
        catch (JsonException)
        {
            // Stored as a note (a body that was not JSON): RequestJson says what it was.
        }

        return new TokenUsageContent
        {
            EventId = record.Id,
            Timestamp = record.Timestamp.ToLocalTime(),
            Provider = record.Provider,
            Endpoint = record.Endpoint,
            Model = record.Model,
            System = system,
            Messages = messages,
            Tools = tools,
            Preview = PromptPreview.Of(messages) is { } preview ? (preview.Length <= 80 ? preview : preview[..79].TrimEnd() + "…") : "",
            ResponseText = record.ResponseText,
            ToolCalls = record.ToolCalls.Select(t => new TokenUsageToolCall(t.Name, t.Arguments)).ToList(),
            RequestJson = record.RequestJson,
            Truncated = record.Truncated,
        };
    }

    private static string? Read(string format, JsonElement root, List<TokenUsageContentMessage> messages, List<string> tools)
    {
        switch (format)
        {
            case "AnthropicMessages":
                foreach (var message in Array(root, "messages"))
                {
                    messages.Add(new(Str(message, "role") ?? "user", Blocks(Get(message, "content"))));
                }

                tools.AddRange(Array(root, "tools").Select(t => Str(t, "name")).OfType<string>());
                return Get(root, "system") is { ValueKind: not JsonValueKind.Undefined } anthropicSystem ? Blocks(anthropicSystem) : null;

            case "OpenAiChat":
                string? chatSystem = null;
                foreach (var message in Array(root, "messages"))
                {
                    var role = Str(message, "role") ?? "user";
                    var text = Blocks(Get(message, "content")) + Calls(message);
                    if (role is "system" or "developer" && chatSystem is null)
                    {
                        chatSystem = text;
                    }

                    messages.Add(new(role, text));
                }

                tools.AddRange(Array(root, "tools").Select(t => Str(Get(t, "function"), "name") ?? Str(t, "name")).OfType<string>());
                return chatSystem;

            case "OpenAiResponses":
                var input = Get(root, "input");
                if (input.ValueKind == JsonValueKind.String)
                {
                    messages.Add(new("user", input.GetString()!));
                }

                foreach (var item in Array(root, "input"))
                {
                    // Codex CLI sends its tools as an input item rather than a top-level tools list.
                    if (Str(item, "type") == "additional_tools")
                    {
                        tools.AddRange(ToolNames(Array(item, "tools")));
                        continue;
                    }

                    messages.Add(Str(item, "type") switch
                    {
                        "function_call" => new("assistant", $"[tool call {Str(item, "name")}] {Str(item, "arguments")}"),
                        "function_call_output" => new("tool", "[tool result] " + Blocks(Get(item, "output"))),
                        _ => new(Str(item, "role") ?? "user", Blocks(Get(item, "content"))),
                    });
                }

                tools.AddRange(ToolNames(Array(root, "tools")));

                // Without top-level instructions (Codex CLI), the first developer or system message holds them.
                return Str(root, "instructions") ?? messages.FirstOrDefault(m => m.Role is "developer" or "system")?.Text;

            case "Gemini":
                foreach (var content in Array(root, "contents"))
                {
                    messages.Add(new(Str(content, "role") ?? "user", Parts(content)));
                }

                tools.AddRange(Array(root, "tools").SelectMany(t => Array(t, "functionDeclarations")).Select(f => Str(f, "name")).OfType<string>());
                return Get(root, "systemInstruction") is { ValueKind: JsonValueKind.Object } instruction ? Parts(instruction) : null;
        }

        return null;
    }

    // Responses tools by name (or type, for built-in tools); a namespace's tools as namespace.name.
    private static IEnumerable<string> ToolNames(IEnumerable<JsonElement> tools) =>
        tools.SelectMany(t => Str(t, "type") == "namespace"
            ? Array(t, "tools").Select(n => Str(n, "name") ?? Str(n, "type")).OfType<string>().Select(n => $"{Str(t, "name")}.{n}")
            : (Str(t, "name") ?? Str(t, "type")) is { } name ? [name] : []);

    // Anthropic and OpenAI content: a string, or blocks of text, tool calls, tool results and media.
    private static string Blocks(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        var text = new StringBuilder();
        foreach (var block in content.ValueKind == JsonValueKind.Array ? content.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            var line = Str(block, "type") switch
            {
                "tool_use" => $"[tool call {Str(block, "name")}] {Get(block, "input").GetRawText()}",
                "tool_result" => "[tool result] " + Blocks(Get(block, "content")),
                "thinking" or "redacted_thinking" => null,
                "image" or "document" or "input_image" or "image_url" or "input_file" => $"[{Str(block, "type")}] {Str(Get(block, "source"), "data") ?? Str(Get(block, "image_url"), "url") ?? Str(block, "image_url") ?? Str(block, "file_data") ?? ""}".TrimEnd(),
                _ => Str(block, "text"),
            };
            if (line is not null)
            {
                text.Append(text.Length == 0 ? "" : "\n").Append(line);
            }
        }

        return text.ToString();
    }

    private static string Calls(JsonElement message)
    {
        var text = new StringBuilder();
        foreach (var call in Array(message, "tool_calls"))
        {
            text.Append($"\n[tool call {Str(Get(call, "function"), "name")}] {Str(Get(call, "function"), "arguments")}");
        }

        return text.ToString();
    }

    private static string Parts(JsonElement content)
    {
        var text = new StringBuilder();
        foreach (var part in Array(content, "parts"))
        {
            var line = Str(part, "text")
                ?? (Get(part, "functionCall") is { ValueKind: JsonValueKind.Object } call ? $"[tool call {Str(call, "name")}] {Get(call, "args").GetRawText()}"
                : Get(part, "functionResponse") is { ValueKind: JsonValueKind.Object } result ? $"[tool result {Str(result, "name")}] {Get(result, "response").GetRawText()}"
                : Get(part, "inlineData") is { ValueKind: JsonValueKind.Object } data ? $"[{Str(data, "mimeType")}] {Str(data, "data")}"
                : null);
            if (line is not null)
            {
                text.Append(text.Length == 0 ? "" : "\n").Append(line);
            }
        }

        return text.ToString();
    }

    private static JsonElement Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        Get(element, name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private static string? Str(JsonElement element, string name) =>
        Get(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
