// Streams cut before their usage arrived: what the provider reported stays, the rest is counted with the tokenizer.
using System.Text;
using Tokentap.Engine.Tokenizing;

namespace Tokentap.Engine.Tests.Providers;

public sealed class EstimationTests
{
    private static readonly TokenEstimator Estimator = TokenEstimator.Shared;

    [Fact]
    public void Chat_stream_cut_by_the_client_estimates_input_from_the_request_and_output_from_the_text()
    {
        const string request = """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Write a haiku about the sea."}]}""";
        var stream = "data: {\"id\":\"chatcmpl-cut\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Waves fold into foam,\"}}]}\n\n"
            + "data: {\"id\":\"chatcmpl-cut\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" salt wind\"}}]}\n\n";

        var usage = Run("api.openai.com", "/v1/chat/completions", request, stream, ExchangeDriver.Completed(clientAborted: true));

        var expectedInput = Estimator.CountTokens("You are terse.", "o200k_base") + Estimator.CountTokens("Write a haiku about the sea.", "o200k_base");
        var expectedOutput = Estimator.CountTokens("Waves fold into foam, salt wind", "o200k_base");
        Assert.Equal(12, expectedInput);
        Assert.Equal(8, expectedOutput);
        Assert.True(usage.Estimated);
        Assert.Equal(expectedInput, usage.InputTokens);
        Assert.Equal(0, usage.CacheReadTokens);
        Assert.Equal(expectedOutput, usage.OutputTokens);
        Assert.Equal("the client closed the connection before the response completed", usage.Error);
        Assert.Equal("gpt-4o-2024-08-06", usage.Model);
        // gpt-4o: 12*$2.50 + 8*$10 per million.
        Assert.Equal(0.00011m, usage.Cost);
    }

    [Fact]
    public void Anthropic_stream_cut_upstream_keeps_exact_input_and_estimates_output()
    {
        var stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_cut\",\"model\":\"claude-opus-4-8\",\"usage\":{\"input_tokens\":1007,\"cache_creation_input_tokens\":302,\"cache_read_input_tokens\":2001,\"cache_creation\":{\"ephemeral_5m_input_tokens\":201,\"ephemeral_1h_input_tokens\":101},\"output_tokens\":1}}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me think about the refactor.\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"The refactor moves parsing into\"}}\n\n";

        var usage = Run("api.anthropic.com", "/v1/messages?beta=true", """{"model":"claude-opus-4-8","stream":true,"messages":[]}""", stream,
            ExchangeDriver.Completed(upstreamError: "connection reset by peer"));

        var expectedOutput = Estimator.CountTokens("Let me think about the refactor.The refactor moves parsing into", "o200k_base");
        Assert.True(usage.Estimated);
        Assert.Equal(1007, usage.InputTokens);
        Assert.Equal(2001, usage.CacheReadTokens);
        Assert.Equal(302, usage.CacheWriteTokens);
        Assert.Equal(101, usage.CacheWrite1hTokens);
        Assert.Equal(expectedOutput, usage.OutputTokens);
        Assert.Equal(13, expectedOutput);
        Assert.Equal("upstream: connection reset by peer", usage.Error);
    }

    [Fact]
    public void Older_openai_models_are_estimated_with_cl100k()
    {
        const string request = """{"model":"gpt-4-0613","stream":true,"messages":[{"role":"user","content":"Schreib mir ein Gedicht über Köln."}]}""";
        var stream = "data: {\"id\":\"c4\",\"model\":\"gpt-4-0613\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Am Rhein, wo der Dom\"}}]}\n\n";

        var usage = Run("api.openai.com", "/v1/chat/completions", request, stream, ExchangeDriver.Completed(overflow: true));

        Assert.Equal(Estimator.CountTokens("Schreib mir ein Gedicht über Köln.", "cl100k_base"), usage.InputTokens);
        Assert.Equal(Estimator.CountTokens("Am Rhein, wo der Dom", "cl100k_base"), usage.OutputTokens);
        Assert.NotEqual(Estimator.CountTokens("Schreib mir ein Gedicht über Köln.", "o200k_base"), usage.InputTokens);
        Assert.True(usage.Estimated);
        Assert.Equal("Tokentap fell behind reading this response; usage may be incomplete", usage.Error);
    }

    [Fact]
    public void Gemini_stream_cut_keeps_the_reported_prompt_and_takes_the_larger_output()
    {
        var stream = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"The answer is forty-two, because the loop runs one time too many\"}]}}],\"usageMetadata\":{\"promptTokenCount\":900,\"candidatesTokenCount\":3,\"totalTokenCount\":903},\"modelVersion\":\"gemini-2.5-flash\"}\n\n";

        var usage = Run("generativelanguage.googleapis.com", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", """{"contents":[]}""", stream,
            ExchangeDriver.Completed(clientAborted: true));

        Assert.Equal(900, usage.InputTokens);
        Assert.Equal(Estimator.CountTokens("The answer is forty-two, because the loop runs one time too many", "o200k_base"), usage.OutputTokens);
        Assert.True(usage.OutputTokens > 3);
        Assert.True(usage.Estimated);
    }

    [Fact]
    public void Complete_stream_without_usage_is_estimated_and_says_so()
    {
        const string request = """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":false},"messages":[{"role":"user","content":"Say hi"}]}""";
        var stream = "data: {\"id\":\"c5\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi there\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

        var usage = Run("api.openai.com", "/v1/chat/completions", request, stream, ExchangeDriver.Completed());

        Assert.Equal(Estimator.CountTokens("Say hi", "o200k_base"), usage.InputTokens);
        Assert.Equal(Estimator.CountTokens("Hi there", "o200k_base"), usage.OutputTokens);
        Assert.True(usage.Estimated);
        Assert.Equal("the response carried no usage; tokens are estimated", usage.Error);
    }

    [Fact]
    public void WebSocket_closed_mid_turn_publishes_that_turn_estimated()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request("chatgpt.com", "/backend-api/codex/responses", "", method: "GET", webSocket: true);
        var messages = new List<(Tokentap.Engine.Proxy.WebSocketMessageDirection, byte[])>
        {
            (Tokentap.Engine.Proxy.WebSocketMessageDirection.ClientToServer, Encoding.UTF8.GetBytes("""{"type":"response.create","model":"gpt-5.1-codex","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"Explain the build."}]}]}""")),
            (Tokentap.Engine.Proxy.WebSocketMessageDirection.ServerToClient, Encoding.UTF8.GetBytes("""{"type":"response.created","response":{"id":"resp_open","model":"gpt-5.1-codex","status":"in_progress"}}""")),
            (Tokentap.Engine.Proxy.WebSocketMessageDirection.ServerToClient, Encoding.UTF8.GetBytes("""{"type":"response.output_text.delta","delta":"The build uses dotnet"}""")),
        };

        var events = ExchangeDriver.RunWebSocket(observer, sink, request, messages, ExchangeDriver.Completed(clientAborted: true));

        var usage = Assert.Single(events);
        Assert.Equal("chatgpt", usage.Provider);
        Assert.Equal("resp_open", usage.MessageId);
        Assert.Equal(Estimator.CountTokens("Explain the build.", "o200k_base"), usage.InputTokens);
        Assert.Equal(Estimator.CountTokens("The build uses dotnet", "o200k_base"), usage.OutputTokens);
        Assert.True(usage.Estimated);
    }

    private static UsageEvent Run(string host, string path, string requestBody, string responseBody, Tokentap.Engine.Proxy.ExchangeCompletion completion)
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var events = ExchangeDriver.Run(observer, sink, ExchangeDriver.Request(host, path, requestBody), ExchangeDriver.Head(200),
            new ReadOnlyMemory<byte>[] { Encoding.UTF8.GetBytes(responseBody) }, completion);
        Assert.Equal(0, observer.Failures);
        return Assert.Single(events);
    }
}
