// The normalization rules, one payload each: cached input subtracted, reasoning added where reported apart, last
// cumulative usage wins, Gemini thoughts and tool-use prompt counted.
using System.Text;

namespace Tokentap.Engine.Tests.Providers;

public sealed class NormalizationTests
{
    [Fact]
    public void Anthropic_message_delta_usage_is_cumulative_and_replaces_never_adds()
    {
        var stream = Sse(
            """{"type":"message_start","message":{"id":"msg_1","model":"claude-haiku-4-5","usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":1}}}""",
            """{"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":20}}""",
            """{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":35}}""",
            """{"type":"message_stop"}""");
        var usage = Run("api.anthropic.com", "/v1/messages", """{"model":"claude-haiku-4-5","stream":true}""", stream);

        Assert.Equal(10, usage.InputTokens);
        Assert.Equal(5, usage.CacheReadTokens);
        Assert.Equal(35, usage.OutputTokens);
        Assert.Equal("max_tokens", usage.StopReason);
        Assert.False(usage.Estimated);
    }

    [Fact]
    public void Anthropic_cache_creation_without_total_sums_the_ttl_split()
    {
        var body = """{"id":"msg_2","type":"message","model":"claude-haiku-4-5","stop_reason":"end_turn","usage":{"input_tokens":3,"cache_creation":{"ephemeral_5m_input_tokens":40,"ephemeral_1h_input_tokens":60},"output_tokens":7}}""";
        var usage = Run("api.anthropic.com", "/v1/messages", """{"model":"claude-haiku-4-5"}""", body);

        Assert.Equal(3, usage.InputTokens);
        Assert.Equal(100, usage.CacheWriteTokens);
        Assert.Equal(60, usage.CacheWrite1hTokens);
        Assert.Equal(7, usage.OutputTokens);
        // claude-haiku-4-5: 3*$1 + 40*$1.25 + 60*$2 + 7*$5 per million.
        Assert.Equal(0.000208m, usage.Cost);
    }

    [Fact]
    public void OpenAi_cached_tokens_are_taken_out_of_the_prompt()
    {
        var body = """{"id":"c1","model":"gpt-4.1-mini","choices":[{"finish_reason":"stop"}],"usage":{"prompt_tokens":5000,"completion_tokens":10,"total_tokens":5010,"prompt_tokens_details":{"cached_tokens":4864}}}""";
        var usage = Run("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4.1-mini"}""", body);

        Assert.Equal(136, usage.InputTokens);
        Assert.Equal(4864, usage.CacheReadTokens);
        Assert.Equal(5000, usage.ContextTokens);
    }

    [Fact]
    public void Reasoning_counts_inside_completion_tokens_when_the_total_says_so()
    {
        var body = """{"id":"c2","model":"o4-mini","choices":[{"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":900,"total_tokens":1000,"completion_tokens_details":{"reasoning_tokens":768}}}""";
        var usage = Run("api.openai.com", "/v1/chat/completions", """{"model":"o4-mini"}""", body);

        Assert.Equal(900, usage.OutputTokens);
        Assert.Equal(768, usage.ReasoningTokens);
    }

    [Fact]
    public void Xai_reasoning_is_added_when_no_total_is_reported()
    {
        var body = """{"id":"x1","model":"grok-code-fast-1","choices":[{"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":20,"completion_tokens_details":{"reasoning_tokens":80}}}""";
        var usage = Run("api.x.ai", "/v1/chat/completions", """{"model":"grok-code-fast-1"}""", body);

        Assert.Equal(100, usage.OutputTokens);
        Assert.Equal(80, usage.ReasoningTokens);
    }

    [Fact]
    public void DeepSeek_hit_and_miss_counts_alone_give_input_and_cache()
    {
        var body = """{"id":"d1","model":"deepseek-chat","choices":[{"finish_reason":"stop"}],"usage":{"completion_tokens":30,"prompt_cache_hit_tokens":640,"prompt_cache_miss_tokens":60}}""";
        var usage = Run("api.deepseek.com", "/v1/chat/completions", """{"model":"deepseek-chat"}""", body);

        Assert.Equal(60, usage.InputTokens);
        Assert.Equal(640, usage.CacheReadTokens);
        Assert.Equal(30, usage.OutputTokens);
    }

    [Fact]
    public void Responses_cached_input_is_taken_out_and_reasoning_stays_in_output()
    {
        var stream = Sse(
            """{"type":"response.created","response":{"id":"resp_n","model":"o3","status":"in_progress","usage":null}}""",
            """{"type":"response.incomplete","response":{"id":"resp_n","model":"o3","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":4000,"input_tokens_details":{"cached_tokens":3500},"output_tokens":2048,"output_tokens_details":{"reasoning_tokens":2048},"total_tokens":6048}}}""");
        var usage = Run("api.openai.com", "/v1/responses", """{"model":"o3","stream":true}""", stream);

        Assert.Equal(500, usage.InputTokens);
        Assert.Equal(3500, usage.CacheReadTokens);
        Assert.Equal(2048, usage.OutputTokens);
        Assert.Equal(2048, usage.ReasoningTokens);
        Assert.Equal("max_output_tokens", usage.StopReason);
        Assert.Null(usage.Error);
    }

    [Fact]
    public void Gemini_thoughts_are_added_to_candidates_and_tool_use_prompt_is_input()
    {
        var body = """{"candidates":[{"content":{"parts":[{"text":"ok"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1000,"cachedContentTokenCount":600,"toolUsePromptTokenCount":50,"candidatesTokenCount":20,"thoughtsTokenCount":300,"totalTokenCount":1370},"modelVersion":"gemini-2.5-flash"}""";
        var usage = Run("generativelanguage.googleapis.com", "/v1beta/models/gemini-2.5-flash:generateContent", "{}", body);

        Assert.Equal(450, usage.InputTokens);
        Assert.Equal(600, usage.CacheReadTokens);
        Assert.Equal(320, usage.OutputTokens);
        Assert.Equal(300, usage.ReasoningTokens);
        Assert.Equal(1370, usage.TotalTokens);
    }

    [Fact]
    public void Gemini_partial_usage_in_early_chunks_is_replaced_by_the_last()
    {
        var stream = Sse(
            """{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"usageMetadata":{"promptTokenCount":70,"candidatesTokenCount":1,"totalTokenCount":71}}""",
            """{"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"MAX_TOKENS"}],"usageMetadata":{"promptTokenCount":70,"candidatesTokenCount":64,"totalTokenCount":134}}""");
        var usage = Run("generativelanguage.googleapis.com", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "{}", stream);

        Assert.Equal(70, usage.InputTokens);
        Assert.Equal(64, usage.OutputTokens);
        Assert.Equal("MAX_TOKENS", usage.StopReason);
        Assert.False(usage.Estimated);
    }

    [Fact]
    public void Sse_with_multi_line_data_comments_and_bare_carriage_returns_is_read()
    {
        var stream = "event: message_start\rdata: {\"type\":\"message_start\",\r"
            + "data: \"message\":{\"id\":\"msg_cr\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\r\r"
            + ": ping comment\r\r"
            + "data:{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\r\n\r\n"
            + "data: {\"type\":\"message_stop\"}";
        var usage = Run("api.anthropic.com", "/v1/messages", """{"model":"claude-haiku-4-5","stream":true}""", stream);

        Assert.Equal("msg_cr", usage.MessageId);
        Assert.Equal(9, usage.InputTokens);
        Assert.Equal(4, usage.OutputTokens);
        Assert.Null(usage.Error);
    }

    private static string Sse(params string[] payloads) => string.Concat(payloads.Select(p => "data: " + p + "\n\n"));

    private static UsageEvent Run(string host, string path, string requestBody, string responseBody)
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var events = ExchangeDriver.Run(observer, sink, ExchangeDriver.Request(host, path, requestBody), ExchangeDriver.Head(200),
            new ReadOnlyMemory<byte>[] { Encoding.UTF8.GetBytes(responseBody) }, ExchangeDriver.Completed());
        Assert.Equal(0, observer.Failures);
        return Assert.Single(events);
    }
}
