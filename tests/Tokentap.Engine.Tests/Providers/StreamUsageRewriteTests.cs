// The one request rewrite: stream_options.include_usage added to streaming Chat Completions, nothing else touched.
using System.Text;
using System.Text.Json.Nodes;

namespace Tokentap.Engine.Tests.Providers;

public sealed class StreamUsageRewriteTests
{
    [Fact]
    public void Streaming_chat_request_without_stream_options_gets_include_usage_and_keeps_every_other_byte()
    {
        const string body = "{\n  \"model\": \"gpt-4o\",\n  \"stream\": true,\n  \"messages\": [{\"role\": \"user\", \"content\": \"h\\u00e9llo \\\"quoted\\\" ✓\"}],\n  \"temperature\": 0.2\n}";
        var rewritten = Rewrite("api.openai.com", "/v1/chat/completions", body, out var observer);

        Assert.Equal("{\"stream_options\":{\"include_usage\":true},\n  \"model\": \"gpt-4o\",\n  \"stream\": true,\n  \"messages\": [{\"role\": \"user\", \"content\": \"h\\u00e9llo \\\"quoted\\\" ✓\"}],\n  \"temperature\": 0.2\n}", rewritten);
        var parsed = JsonNode.Parse(rewritten)!;
        Assert.True(parsed["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(1, observer.RewrittenRequests);
    }

    [Fact]
    public void Existing_stream_options_object_gets_include_usage_inside_it()
    {
        var rewritten = Rewrite("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false}}""", out _);
        Assert.Equal("""{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true,"include_obfuscation":false}}""", rewritten);
    }

    [Fact]
    public void Empty_stream_options_object_gets_include_usage_without_a_comma()
    {
        var rewritten = Rewrite("contoso.openai.azure.com", "/openai/deployments/d1/chat/completions?api-version=2024-10-21", """{"stream":true,"stream_options":{}}""", out _);
        Assert.Equal("""{"stream":true,"stream_options":{"include_usage":true}}""", rewritten);
    }

    [Theory]
    [InlineData("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":false}""")]
    [InlineData("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o"}""")]
    [InlineData("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":false}}""")]
    [InlineData("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":true,"stream_options":null}""")]
    [InlineData("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":true,""")]
    [InlineData("api.openai.com", "/v1/responses", """{"model":"gpt-5","stream":true}""")]
    [InlineData("api.anthropic.com", "/v1/messages", """{"model":"claude-opus-4-8","stream":true}""")]
    [InlineData("api.mistral.ai", "/v1/chat/completions", """{"model":"mistral-large-latest","stream":true}""")]
    [InlineData("api.together.xyz", "/v1/chat/completions", """{"model":"x","stream":true}""")]
    public void Other_requests_are_forwarded_untouched(string host, string path, string body)
    {
        var (observer, _) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request(host, path, body);
        observer.BeginExchange(request);
        Assert.False(request.BodyReplaced);
        Assert.Equal(body, Encoding.UTF8.GetString(request.Body.Span));
    }

    [Theory]
    [InlineData("api.deepseek.com", "/chat/completions")]
    [InlineData("openrouter.ai", "/api/v1/chat/completions")]
    [InlineData("api.groq.com", "/openai/v1/chat/completions")]
    [InlineData("api.x.ai", "/v1/chat/completions")]
    public void Compatible_hosts_that_accept_stream_options_are_rewritten(string host, string path)
    {
        var rewritten = Rewrite(host, path, """{"model":"m","stream":true}""", out _);
        Assert.Equal("""{"stream_options":{"include_usage":true},"model":"m","stream":true}""", rewritten);
    }

    [Fact]
    public void The_rewrite_can_be_switched_off()
    {
        var (observer, _) = ExchangeDriver.NewObserver(new Tokentap.Engine.Providers.UsageObserverOptions { AddStreamUsage = false });
        var request = ExchangeDriver.Request("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":true}""");
        observer.BeginExchange(request);
        Assert.False(request.BodyReplaced);
    }

    private static string Rewrite(string host, string path, string body, out Tokentap.Engine.Providers.UsageObserver observer)
    {
        (observer, _) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request(host, path, body);
        Assert.NotNull(observer.BeginExchange(request));
        Assert.True(request.BodyReplaced);
        return Encoding.UTF8.GetString(request.Body.Span);
    }
}
