// Failed exchanges: error statuses, provider errors inside a 200 stream, no response at all, malformed bodies.
using System.Text;

namespace Tokentap.Engine.Tests.Providers;

public sealed class ErrorResponseTests
{
    [Fact]
    public void Upstream_unreachable_gives_an_event_with_the_proxy_status_and_zero_usage()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var events = ExchangeDriver.Run(observer, sink, ExchangeDriver.Request("api.anthropic.com", "/v1/messages", """{"model":"claude-opus-4-8"}"""),
            null, Array.Empty<ReadOnlyMemory<byte>>(),
            new Tokentap.Engine.Proxy.ExchangeCompletion { DurationMs = 30, UpstreamError = "connection refused", ProxyStatusCode = 502 });

        var usage = Assert.Single(events);
        Assert.Equal(502, usage.StatusCode);
        Assert.Equal("upstream: connection refused", usage.Error);
        Assert.Equal(0, usage.TotalTokens);
        Assert.Equal(0m, usage.Cost);
        Assert.False(usage.Estimated);
        Assert.False(usage.IsSuccess);
    }

    [Fact]
    public void Non_json_error_body_gives_the_status_as_error()
    {
        var usage = Run("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o"}""", 502, "<html><body>Bad gateway</body></html>");
        Assert.Equal("HTTP 502", usage.Error);
        Assert.Equal(0, usage.TotalTokens);
    }

    [Fact]
    public void Mistral_style_error_object_is_read()
    {
        var usage = Run("api.mistral.ai", "/v1/chat/completions", """{"model":"mistral-large-latest"}""", 422,
            """{"object":"error","message":"Extra inputs are not permitted","type":"invalid_request_error","param":null,"code":null}""");
        Assert.Equal("invalid_request_error: Extra inputs are not permitted", usage.Error);
    }

    [Fact]
    public void Anthropic_error_event_inside_a_200_stream_keeps_the_known_input_and_estimates_output()
    {
        var stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_e\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":321,\"cache_read_input_tokens\":1000,\"output_tokens\":1}}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Partial answer before the error\"}}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        var usage = Run("api.anthropic.com", "/v1/messages", """{"model":"claude-haiku-4-5","stream":true}""", 200, stream);

        Assert.Equal("overloaded_error: Overloaded", usage.Error);
        Assert.Equal(321, usage.InputTokens);
        Assert.Equal(1000, usage.CacheReadTokens);
        Assert.Equal(Tokentap.Engine.Tokenizing.TokenEstimator.Shared.CountTokens("Partial answer before the error", "o200k_base"), usage.OutputTokens);
        Assert.True(usage.Estimated);
    }

    [Fact]
    public void Responses_failed_event_sets_the_error_and_keeps_its_usage()
    {
        var stream = "data: {\"type\":\"response.failed\",\"response\":{\"id\":\"resp_f\",\"model\":\"gpt-5\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The model failed.\"},\"usage\":{\"input_tokens\":50,\"output_tokens\":0}}}\n\n";
        var usage = Run("api.openai.com", "/v1/responses", """{"model":"gpt-5","stream":true}""", 200, stream);

        Assert.Equal("server_error: The model failed.", usage.Error);
        Assert.Equal(50, usage.InputTokens);
        Assert.Equal(0, usage.OutputTokens);
        Assert.False(usage.Estimated);
    }

    [Fact]
    public void Malformed_json_in_a_stream_is_noted_and_the_rest_still_counts()
    {
        var stream = "data: {\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"delta\":{\"content\":\"x\"}\n\n"
            + "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12}}\n\ndata: [DONE]\n\n";
        var usage = Run("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}""", 200, stream);

        Assert.Equal("malformed JSON in the response; usage may be incomplete", usage.Error);
        Assert.Equal(10, usage.InputTokens);
        Assert.Equal(2, usage.OutputTokens);
        Assert.False(usage.Estimated);
    }

    private static UsageEvent Run(string host, string path, string requestBody, int status, string responseBody)
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var events = ExchangeDriver.Run(observer, sink, ExchangeDriver.Request(host, path, requestBody), ExchangeDriver.Head(status),
            new ReadOnlyMemory<byte>[] { Encoding.UTF8.GetBytes(responseBody) }, ExchangeDriver.Completed());
        Assert.Equal(0, observer.Failures);
        return Assert.Single(events);
    }
}
