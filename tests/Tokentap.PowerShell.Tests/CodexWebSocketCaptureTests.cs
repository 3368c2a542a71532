// Content capture over Codex CLI's Responses WebSocket: the real codex (npm, pinned) in the real pwsh through the real
// proxy with -CaptureContent, against a mock that answers the upgrade and streams each turn as WebSocket messages.
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tokentap.Testing;
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class CodexWebSocketCaptureTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private const string Secret = "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0";
    private const string Prompt = "Deploy with key " + Secret + " and say hi.";
    private static readonly string[] Deltas = ["Hello over ", "the WebSocket."];

    private readonly MockedPwsh _shell = new(module, mocks.Providers);
    private readonly List<string> _received = [];

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void Codex_over_the_websocket_captures_what_it_sent_redacted_and_the_streamed_text_linked_to_its_event()
    {
        mocks.Providers.Upstream.MapWebSocket("/v1/responses", AnswerTurnsAsync);
        var script = _shell.Preamble("codex-ws", environment: true).Replace("-Session 'codex-ws'", "-Session 'codex-ws' -CaptureContent", StringComparison.Ordinal) + $$"""
            $env:OPENAI_API_KEY = 'dummy'
            codex exec --skip-git-repo-check '{{Prompt}}' 2>&1 | ForEach-Object { "CLIENT: $_" }
            "EXIT=$LASTEXITCODE"
            $null = Stop-Tokentap
            $events = @(Get-TokenUsage -Session codex-ws)
            $events | ForEach-Object { 'EVENT=' + ([pscustomobject]@{ Id = $_.Id; App = $_.App; Status = $_.StatusCode; Endpoint = $_.Endpoint } | ConvertTo-Json -Compress) }
            $events | Get-TokenUsageContent | ForEach-Object {
                'CONTENT=' + ([pscustomobject]@{ EventId = $_.EventId; System = $_.System; Tools = @($_.Tools); Response = $_.ResponseText; RequestJson = $_.RequestJson; Messages = @($_.Messages | ForEach-Object { $_.Role + ': ' + $_.Text }) } | ConvertTo-Json -Compress -Depth 4)
            }
            """;
        var result = _shell.Run(script, timeoutSeconds: 240);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("EXIT=0", Lines(result.Stdout));

        // Codex used the WebSocket (no POST fallback): a prewarm (generate: false, no input) then the turn, each its
        // own event with its own content linked by the event's id.
        Assert.DoesNotContain(mocks.Providers.Upstream.Requests, r => r.Method == "POST" && r.Path == "/v1/responses");
        var received = Received();
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal("response.create", JsonNode.Parse(r)!["type"]!.GetValue<string>()));
        Assert.False(JsonNode.Parse(received[0])!["generate"]!.GetValue<bool>());
        var events = Objects(result.Stdout, "EVENT=");
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("codex", 101, "responses"), (e.GetProperty("App").GetString(), e.GetProperty("Status").GetInt32(), e.GetProperty("Endpoint").GetString())));
        var contents = Objects(result.Stdout, "CONTENT=");
        Assert.Equal(events.Select(e => e.GetProperty("Id").GetString()).Order(), contents.Select(c => c.GetProperty("EventId").GetString()).Order());
        var prewarm = Assert.Single(contents, c => c.GetProperty("Messages").GetArrayLength() == 0);
        Assert.Equal("", prewarm.GetProperty("Response").GetString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(received[0]), JsonNode.Parse(prewarm.GetProperty("RequestJson").GetString()!)));
        var content = Assert.Single(contents, c => c.GetProperty("Messages").GetArrayLength() > 0);

        // The turn's request as Codex sent it, the secret in the prompt redacted and nothing else changed.
        var sent = JsonNode.Parse(received[1])!.AsObject();
        var redacted = JsonNode.Parse(received[1].Replace(Secret, "[REDACTED:anthropic-key]", StringComparison.Ordinal))!;
        Assert.True(JsonNode.DeepEquals(redacted, JsonNode.Parse(content.GetProperty("RequestJson").GetString()!)), content.GetProperty("RequestJson").GetString());

        // Codex 0.169 sends no top-level instructions or tools: its tools are an additional_tools input item (namespaces
        // of tools), its instructions the first developer message; each input message, in order.
        var input = sent["input"]!.AsArray().Select(i => i!.AsObject()).ToList();
        var tools = input.Where(i => i["type"]!.GetValue<string>() == "additional_tools").SelectMany(i => i["tools"]!.AsArray())
            .SelectMany(t => t!["type"]!.GetValue<string>() == "namespace"
                ? t["tools"]!.AsArray().Select(n => t["name"]!.GetValue<string>() + "." + n!["name"]!.GetValue<string>())
                : [(t["name"] ?? t["type"])!.GetValue<string>()])
            .ToArray();
        Assert.Contains("functions.exec", tools);
        Assert.Equal(tools, content.GetProperty("Tools").EnumerateArray().Select(t => t.GetString()!).ToArray());
        var messages = input.Where(i => i["type"]!.GetValue<string>() == "message")
            .Select(i => i["role"]!.GetValue<string>() + ": " + string.Join("\n", i["content"]!.AsArray().Select(p => p!["text"]!.GetValue<string>())))
            .Select(m => m.Replace(Secret, "[REDACTED:anthropic-key]", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(messages, content.GetProperty("Messages").EnumerateArray().Select(m => m.GetString()!));
        Assert.Equal("user: Deploy with key [REDACTED:anthropic-key] and say hi.", messages[^1]);
        Assert.Equal(messages[0]["developer: ".Length..], content.GetProperty("System").GetString());
        Assert.StartsWith("You are Codex", content.GetProperty("System").GetString(), StringComparison.Ordinal);

        // The response as the mock streamed it.
        Assert.Equal(string.Concat(Deltas), content.GetProperty("Response").GetString());
        Assert.Contains(Lines(result.Stdout), l => l == "CLIENT: " + string.Concat(Deltas));
        AssertNotInDataFolder(Secret);
    }

    /// <summary>
    /// Answers every response.create with one streamed turn, as the Responses WebSocket does; a prewarm (generate:
    /// false) with an empty response that only reads the prompt.
    /// </summary>
    private async Task AnswerTurnsAsync(WebSocket socket, MockContext context)
    {
        var buffer = new byte[4 * 1024 * 1024];
        for (var turn = 1; ; turn++)
        {
            var length = 0;
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), context.Aborted);
                length += received.Count;
            }
            while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", context.Aborted);
                return;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, length);
            lock (_received)
            {
                _received.Add(text);
            }

            var request = JsonNode.Parse(text);
            var generate = request?["generate"]?.GetValue<bool>() != false;
            foreach (var message in Turn(turn, request?["model"]?.GetValue<string>() ?? MockProviders.ResponsesModel, generate))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, context.Aborted);
            }
        }
    }

    private static IEnumerable<JsonObject> Turn(int turn, string model, bool generate)
    {
        var id = $"resp_ws_capture_{turn}";
        var item = $"msg_ws_capture_{turn}";
        JsonObject Response(string status, JsonNode? output, JsonNode? usage) => new()
        {
            ["id"] = id, ["object"] = "response", ["created_at"] = 1763850000, ["status"] = status, ["model"] = model, ["output"] = output, ["usage"] = usage,
        };
        JsonObject Message(string status, string? text) => new()
        {
            ["type"] = "message", ["id"] = item, ["status"] = status, ["role"] = "assistant",
            ["content"] = text is null ? new JsonArray() : new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() }),
        };
        JsonObject Usage(int output, int reasoning) => new()
        {
            ["input_tokens"] = MockProviders.ResponsesInput,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = MockProviders.ResponsesCached },
            ["output_tokens"] = output,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning },
            ["total_tokens"] = MockProviders.ResponsesInput + output,
        };

        var sequence = 0;
        yield return new JsonObject { ["type"] = "response.created", ["sequence_number"] = sequence++, ["response"] = Response("in_progress", new JsonArray(), null) };
        if (!generate)
        {
            yield return new JsonObject { ["type"] = "response.completed", ["sequence_number"] = sequence, ["response"] = Response("completed", new JsonArray(), Usage(0, 0)) };
            yield break;
        }

        yield return new JsonObject { ["type"] = "response.output_item.added", ["sequence_number"] = sequence++, ["output_index"] = 0, ["item"] = Message("in_progress", null) };
        foreach (var delta in Deltas)
        {
            yield return new JsonObject { ["type"] = "response.output_text.delta", ["sequence_number"] = sequence++, ["item_id"] = item, ["output_index"] = 0, ["content_index"] = 0, ["delta"] = delta };
        }

        yield return new JsonObject { ["type"] = "response.output_item.done", ["sequence_number"] = sequence++, ["output_index"] = 0, ["item"] = Message("completed", string.Concat(Deltas)) };
        yield return new JsonObject
        {
            ["type"] = "response.completed",
            ["sequence_number"] = sequence,
            ["response"] = Response("completed", new JsonArray(Message("completed", string.Concat(Deltas))), Usage(MockProviders.ResponsesOutput, MockProviders.ResponsesReasoning)),
        };
    }

    private List<string> Received()
    {
        lock (_received)
        {
            return _received.ToList();
        }
    }

    // No file of the data folder, gzip content decoded, holds the text.
    private void AssertNotInDataFolder(string secret)
    {
        foreach (var (file, bytes) in DataFolderFiles.Read(Path.Combine(_shell.Root, "tokentap")))
        {
            Assert.False(Encoding.Latin1.GetString(bytes).Contains(secret, StringComparison.Ordinal), $"{file} holds {secret}");
        }
    }

    private static List<JsonElement> Objects(string stdout, string prefix) =>
        Lines(stdout).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[prefix.Length..]).RootElement.Clone()).ToList();

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
}
