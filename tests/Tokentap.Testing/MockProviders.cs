// Mock Anthropic, OpenAI (Chat Completions, Responses) and Gemini APIs on one HTTPS upstream, with known usage numbers.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tokentap.Testing;

/// <summary>
/// Serves the provider wire formats the way the real APIs do, so real clients (curl, the openai and
/// @anthropic-ai/sdk packages) accept the answers: JSON when the request does not stream, SSE when it does. Every
/// response carries a fresh request id and message id, so no two exchanges share an idempotence key. Like OpenAI,
/// Chat Completions streams include the usage chunk only when the request asked for stream_options.include_usage.
/// The numbers are the constants below. Requests from Claude Code (User-Agent claude-cli/) are answered as the model
/// they asked for, as the real API does, because Claude Code prices its own total_cost_usd by the model it asked for.
/// </summary>
public sealed class MockProviders : IAsyncDisposable
{
    // Anthropic: input excludes cache; output is cumulative in message_delta.
    public const int AnthropicInput = 1007;
    public const int AnthropicCacheWrite5m = 201;
    public const int AnthropicCacheWrite1h = 101;
    public const int AnthropicCacheRead = 2001;
    public const int AnthropicOutput = 53;
    public const string AnthropicModel = "claude-sonnet-4-5-20250929";

    // OpenAI Chat Completions: prompt_tokens includes cached tokens.
    public const int ChatPrompt = 1200;
    public const int ChatCached = 1000;
    public const int ChatCompletion = 300;
    public const string ChatModel = "gpt-4.1-mini-2025-04-14";

    // OpenAI Responses: input_tokens includes cached tokens; output includes reasoning.
    public const int ResponsesInput = 5000;
    public const int ResponsesCached = 4000;
    public const int ResponsesOutput = 700;
    public const int ResponsesReasoning = 500;
    public const string ResponsesModel = "gpt-5-codex";

    // Gemini: promptTokenCount includes cachedContentTokenCount; thoughts are not in candidatesTokenCount.
    public const int GeminiPrompt = 900;
    public const int GeminiCached = 100;
    public const int GeminiCandidates = 50;
    public const int GeminiThoughts = 30;
    public const string GeminiModel = "gemini-2.5-pro";

    private int _sequence;

    private MockProviders(TestCertificateAuthority authority, MockUpstream upstream)
    {
        Authority = authority;
        Upstream = upstream;
    }

    /// <summary>The test CA that signed the upstream's certificate (give its PemPath to -UpstreamCaFile).</summary>
    public TestCertificateAuthority Authority { get; }

    /// <summary>The HTTPS upstream on 127.0.0.1.</summary>
    public MockUpstream Upstream { get; }

    /// <summary>Host to base URI overrides that send every provider host to this mock.</summary>
    public IReadOnlyDictionary<string, Uri> Overrides => new Dictionary<string, Uri>
    {
        ["api.anthropic.com"] = Upstream.BaseUri,
        ["api.openai.com"] = Upstream.BaseUri,
        ["generativelanguage.googleapis.com"] = Upstream.BaseUri,
    };

    public static async Task<MockProviders> StartAsync()
    {
        var authority = new TestCertificateAuthority("Tokentap Mock Providers Root");
        var upstream = await MockUpstream.StartAsync(authority.IssueServerCertificate(new[] { "localhost" }));
        var providers = new MockProviders(authority, upstream);
        upstream.Map("POST", "/v1/messages", providers.AnthropicAsync);
        upstream.Map("POST", "/v1/chat/completions", providers.ChatAsync);
        upstream.Map("POST", "/v1/responses", providers.ResponsesAsync);
        upstream.Map("POST", "/v1beta/models/*", providers.GeminiAsync);
        return providers;
    }

    public async ValueTask DisposeAsync()
    {
        await Upstream.DisposeAsync();
        Authority.Dispose();
    }

    private string NextId() => Interlocked.Increment(ref _sequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonNode? Body(MockContext context) => context.Request.Body.Length == 0 ? null : JsonNode.Parse(context.Request.Body);

    private static bool Streams(JsonNode? body) => body?["stream"]?.GetValue<bool>() == true;

    private async Task AnthropicAsync(MockContext context)
    {
        var body = Body(context);
        var model = AnthropicModelFor(context.Request, body);
        var id = NextId();
        var messageId = "msg_mock_" + id;
        context.Header("request-id", "req_mock_anthropic_" + id)
            .Header("anthropic-ratelimit-unified-5h-utilization", "0.42")
            .Header("anthropic-ratelimit-unified-5h-status", "allowed")
            .Header("anthropic-ratelimit-unified-7d-utilization", "0.1");
        var usageStart = new JsonObject
        {
            ["input_tokens"] = AnthropicInput,
            ["cache_creation_input_tokens"] = AnthropicCacheWrite5m + AnthropicCacheWrite1h,
            ["cache_read_input_tokens"] = AnthropicCacheRead,
            ["cache_creation"] = new JsonObject { ["ephemeral_5m_input_tokens"] = AnthropicCacheWrite5m, ["ephemeral_1h_input_tokens"] = AnthropicCacheWrite1h },
            ["output_tokens"] = 1,
        };
        if (!Streams(body))
        {
            var usage = (JsonObject)usageStart.DeepClone();
            usage["output_tokens"] = AnthropicOutput;
            await MockResponses.Json(new JsonObject
            {
                ["id"] = messageId,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "Hello from the mock." }),
                ["stop_reason"] = "end_turn",
                ["stop_sequence"] = null,
                ["usage"] = usage,
            }.ToJsonString())(context);
            return;
        }

        context.Header("Content-Type", "text/event-stream");
        var message = new JsonObject
        {
            ["id"] = messageId,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = new JsonArray(),
            ["stop_reason"] = null,
            ["stop_sequence"] = null,
            ["usage"] = usageStart,
        };
        await Sse(context, "message_start", new JsonObject { ["type"] = "message_start", ["message"] = message });
        await Sse(context, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } });
        await Sse(context, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = "Hello from " } });
        await Sse(context, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = "the mock." } });
        await Sse(context, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        await Sse(context, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = "end_turn", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = AnthropicOutput },
        });
        await Sse(context, "message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    private static string AnthropicModelFor(MockRequest request, JsonNode? body)
    {
        var requested = body?["model"]?.GetValue<string>();
        var fromClaudeCode = request.Header("user-agent")?.StartsWith("claude-cli/", StringComparison.Ordinal) == true;
        return fromClaudeCode && !string.IsNullOrEmpty(requested) ? requested : AnthropicModel;
    }

    private async Task ChatAsync(MockContext context)
    {
        var body = Body(context);
        // A request for a model named unpriced-* is answered as that model, for tests of models without a price.
        var requested = body?["model"]?.GetValue<string>();
        var model = requested is not null && requested.StartsWith("unpriced-", StringComparison.Ordinal) ? requested : ChatModel;
        var id = "chatcmpl-mock" + NextId();
        context.Header("x-request-id", "req_mock_chat_" + id);
        var usage = new JsonObject
        {
            ["prompt_tokens"] = ChatPrompt,
            ["completion_tokens"] = ChatCompletion,
            ["total_tokens"] = ChatPrompt + ChatCompletion,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = ChatCached },
            ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        };
        if (!Streams(body))
        {
            await MockResponses.Json(new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion",
                ["created"] = 1763850000,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "Hello from the mock." },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = usage,
            }.ToJsonString())(context);
            return;
        }

        context.Header("Content-Type", "text/event-stream");
        foreach (var (text, finish) in new[] { ("Hello from ", (string?)null), ("the mock.", null), ("", "stop") })
        {
            var delta = text.Length == 0 ? new JsonObject() : new JsonObject { ["content"] = text };
            await Data(context, Chunk(id, new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }), null));
        }

        if (body?["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            await Data(context, Chunk(id, new JsonArray(), usage));
        }

        await context.WriteAsync("data: [DONE]\n\n");
    }

    private static JsonObject Chunk(string id, JsonArray choices, JsonObject? usage) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = 1763850000,
        ["model"] = ChatModel,
        ["choices"] = choices,
        ["usage"] = usage,
    };

    private async Task ResponsesAsync(MockContext context)
    {
        var id = "resp_mock" + NextId();
        context.Header("x-request-id", "req_mock_responses_" + id);
        var response = new JsonObject
        {
            ["id"] = id,
            ["object"] = "response",
            ["created_at"] = 1763850000,
            ["status"] = "completed",
            ["model"] = ResponsesModel,
            ["output"] = new JsonArray(new JsonObject
            {
                ["type"] = "message",
                ["id"] = "msg_mock" + id,
                ["status"] = "completed",
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = "Hello from the mock.", ["annotations"] = new JsonArray() }),
            }),
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = ResponsesInput,
                ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = ResponsesCached },
                ["output_tokens"] = ResponsesOutput,
                ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = ResponsesReasoning },
                ["total_tokens"] = ResponsesInput + ResponsesOutput,
            },
        };
        if (!Streams(Body(context)))
        {
            await MockResponses.Json(response.ToJsonString())(context);
            return;
        }

        context.Header("Content-Type", "text/event-stream");
        var created = (JsonObject)response.DeepClone();
        created["status"] = "in_progress";
        created["output"] = new JsonArray();
        created["usage"] = null;
        await Sse(context, "response.created", new JsonObject { ["type"] = "response.created", ["sequence_number"] = 0, ["response"] = created });
        await Sse(context, "response.output_text.delta", new JsonObject { ["type"] = "response.output_text.delta", ["sequence_number"] = 1, ["item_id"] = "msg_mock" + id, ["output_index"] = 0, ["content_index"] = 0, ["delta"] = "Hello from the mock." });
        await Sse(context, "response.completed", new JsonObject { ["type"] = "response.completed", ["sequence_number"] = 2, ["response"] = response });
    }

    private async Task GeminiAsync(MockContext context)
    {
        var id = NextId();
        context.Header("x-request-id", "req_mock_gemini_" + id);
        var streaming = context.Request.Path.EndsWith(":streamGenerateContent", StringComparison.Ordinal);
        var final = Gemini("Hello from the mock.", "STOP", new JsonObject
        {
            ["promptTokenCount"] = GeminiPrompt,
            ["cachedContentTokenCount"] = GeminiCached,
            ["candidatesTokenCount"] = GeminiCandidates,
            ["thoughtsTokenCount"] = GeminiThoughts,
            ["totalTokenCount"] = GeminiPrompt + GeminiCandidates + GeminiThoughts,
        }, "gemini-resp-" + id);
        if (!streaming)
        {
            await MockResponses.Json(final.ToJsonString())(context);
            return;
        }

        context.Header("Content-Type", "text/event-stream");
        var partial = Gemini("Hello ", null, new JsonObject { ["promptTokenCount"] = GeminiPrompt, ["totalTokenCount"] = GeminiPrompt }, "gemini-resp-" + id);
        await Data(context, partial);
        await Data(context, final);
    }

    private static JsonObject Gemini(string text, string? finish, JsonObject usage, string responseId) => new()
    {
        ["candidates"] = new JsonArray(new JsonObject
        {
            ["content"] = new JsonObject { ["role"] = "model", ["parts"] = new JsonArray(new JsonObject { ["text"] = text }) },
            ["finishReason"] = finish,
            ["index"] = 0,
        }),
        ["usageMetadata"] = usage,
        ["modelVersion"] = GeminiModel,
        ["responseId"] = responseId,
    };

    private static Task Sse(MockContext context, string name, JsonObject data) =>
        context.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n");

    private static Task Data(MockContext context, JsonObject data) =>
        context.WriteAsync($"data: {data.ToJsonString(new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never })}\n\n");
}
