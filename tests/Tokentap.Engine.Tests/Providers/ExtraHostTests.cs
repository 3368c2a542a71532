// Hosts the user adds to the intercept list: host=format entries, path shapes, events with the host as provider, and
// the hosts whose requests Tokentap cannot read counted instead of silently dropped.
using System.Text;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Providers;

public sealed class ExtraHostTests
{
    [Fact]
    public void Entries_name_a_wire_format_after_the_host_and_the_patterns_stay_bare()
    {
        var list = InterceptHostList.WithAdditions(new[] { "API.Perplexity.ai=OpenAI-Chat", "*.gateway.example=anthropic", "llm.corp.example" });

        Assert.Equal(new[] { "api.perplexity.ai", "*.gateway.example", "llm.corp.example" }, list.Patterns.Skip(InterceptHostList.DefaultPatterns.Count));
        Assert.True(list.Matches("api.perplexity.ai"));
        Assert.Equal("openai-chat", list.DeclaredFormat("api.perplexity.ai"));
        Assert.Equal("openai-chat", list.DeclaredFormat("API.PERPLEXITY.AI."));
        Assert.Equal("anthropic", list.DeclaredFormat("eu.gateway.example"));
        Assert.Null(list.DeclaredFormat("gateway.example"));
        Assert.Null(list.DeclaredFormat("llm.corp.example"));
        Assert.Null(list.DeclaredFormat("api.openai.com"));
    }

    [Theory]
    [InlineData("api.perplexity.ai=", "'api.perplexity.ai='")]
    [InlineData("api.perplexity.ai=open ai", "'api.perplexity.ai=open ai'")]
    [InlineData("=openai-chat", "'=openai-chat'")]
    [InlineData("bad host=openai-chat", "'bad host'")]
    [InlineData("10.0.0.1=openai-chat", "'10.0.0.1'")]
    public void A_malformed_entry_is_refused_naming_it(string entry, string quoted)
    {
        var error = Assert.Throws<ArgumentException>(() => InterceptHostList.WithAdditions(new[] { entry }));
        Assert.Contains(quoted, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_format_name_is_refused_naming_it_and_the_known_names()
    {
        var error = Assert.Throws<ArgumentException>(() => WireFormatNames.ValidateInterceptHost("api.perplexity.ai=openai-chatt"));

        Assert.Contains("'openai-chatt'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'api.perplexity.ai=openai-chatt'", error.Message, StringComparison.Ordinal);
        Assert.Contains("anthropic, openai-chat, openai-responses, gemini", error.Message, StringComparison.Ordinal);
        WireFormatNames.ValidateInterceptHost("api.perplexity.ai=openai-chat");
        WireFormatNames.ValidateInterceptHost("*.gateway.example=GEMINI");
        WireFormatNames.ValidateInterceptHost("llm.corp.example");
        Assert.Throws<ArgumentException>(() => WireFormatNames.ValidateInterceptHost("bad host"));
    }

    [Theory]
    [InlineData("api.perplexity.ai", "POST", "/chat/completions", false, "openai-chat", "chat.completions", "OpenAiChat")]
    [InlineData("api.perplexity.ai", "POST", "/api/generate", false, "openai-chat", "chat.completions", "OpenAiChat")]
    [InlineData("llm.corp.example", "POST", "/claude/v1/messages?beta=true", false, "anthropic", "messages", "AnthropicMessages")]
    [InlineData("llm.corp.example", "POST", "/v1/responses", false, "openai-responses", "responses", "OpenAiResponses")]
    [InlineData("llm.corp.example", "GET", "/v1/responses", true, "openai-responses", "responses", "OpenAiResponses")]
    [InlineData("llm.corp.example", "POST", "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", false, "gemini", "streamGenerateContent", "Gemini")]
    [InlineData("llm.corp.example", "POST", "/generate", false, "gemini", "generateContent", "Gemini")]
    [InlineData("llm.corp.example", "POST", "/v1/chat/completions", false, null, "chat.completions", "OpenAiChat")]
    [InlineData("llm.corp.example", "POST", "/openai/deployments/gpt4/chat/completions", false, null, "chat.completions", "OpenAiChat")]
    [InlineData("llm.corp.example", "POST", "/v1/messages", false, null, "messages", "AnthropicMessages")]
    [InlineData("llm.corp.example", "POST", "/v1/responses", false, null, "responses", "OpenAiResponses")]
    [InlineData("llm.corp.example", "GET", "/v1/responses", true, null, "responses", "OpenAiResponses")]
    [InlineData("llm.corp.example", "POST", "/v1beta/models/gemini-2.5-flash:generateContent", false, null, "generateContent", "Gemini")]
    [InlineData("llm.corp.example", "POST", "/v1internal:streamGenerateContent?alt=sse", false, null, "streamGenerateContent", "Gemini")]
    public void An_extra_host_is_routed_by_its_declared_format_or_its_path_with_the_host_as_provider(
        string host, string method, string path, bool webSocket, string? declared, string endpoint, string format)
    {
        var route = ApiRouter.Route(host, method, path, webSocket, declared);

        Assert.NotNull(route);
        Assert.Equal(host, route.Provider);
        Assert.Equal(endpoint, route.Endpoint);
        Assert.Equal(format, route.Format.ToString());
        Assert.False(route.AddsStreamUsage);
    }

    [Fact]
    public void A_gemini_path_on_an_extra_host_names_the_model_and_the_streaming_method()
    {
        var route = ApiRouter.Route("llm.corp.example", "POST", "/v1beta/models/gemini-2.5-pro:streamGenerateContent", false, null)!;

        Assert.Equal("gemini-2.5-pro", route.UrlModel);
        Assert.True(route.StreamEndpoint);
    }

    [Theory]
    [InlineData("llm.corp.example", "POST", "/v2/generate", false, null)]
    [InlineData("llm.corp.example", "GET", "/v1/models", false, null)]
    [InlineData("llm.corp.example", "GET", "/v1/chat/completions", false, null)]
    [InlineData("api.perplexity.ai", "GET", "/models", false, "openai-chat")]
    [InlineData("api.perplexity.ai", "POST", "/chat/completions", false, "cohere")]
    [InlineData("api.perplexity.ai", "GET", "/chat/completions", true, "openai-chat")]
    [InlineData("api.anthropic.com", "POST", "/v1/messages/count_tokens", false, "anthropic")]
    [InlineData("api.openai.com", "POST", "/v1/embeddings", false, "openai-chat")]
    public void Requests_that_are_not_a_readable_llm_call_get_no_route(string host, string method, string path, bool webSocket, string? declared)
    {
        Assert.Null(ApiRouter.Route(host, method, path, webSocket, declared));
    }

    [Fact]
    public void An_extra_host_event_has_the_host_as_provider_and_is_priced_by_model()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request("api.perplexity.ai", "/chat/completions", "{\"model\":\"gpt-4o\"}", declaredFormat: "openai-chat");

        var events = ExchangeDriver.Run(observer, sink, request, ExchangeDriver.Head(200), new[] { (ReadOnlyMemory<byte>)ExchangeDriver.Fixture("openai-chat.json") }, ExchangeDriver.Completed());

        var usage = Assert.Single(events);
        Assert.Equal("api.perplexity.ai", usage.Provider);
        Assert.Equal("api.perplexity.ai", usage.Host);
        Assert.Equal("chat.completions", usage.Endpoint);
        Assert.Equal("gpt-4o-2024-08-06", usage.Model);
        Assert.Equal(176, usage.InputTokens);
        Assert.Equal(1024, usage.CacheReadTokens);
        Assert.Equal(300, usage.OutputTokens);
        Assert.False(usage.Estimated);
        Assert.Null(usage.Error);

        // gpt-4o: $2.50 input, $1.25 cached input, $10 output per million.
        Assert.Equal(0.00472m, usage.Cost);
        Assert.Empty(observer.UnreadableHosts);
    }

    [Fact]
    public void Requests_to_an_extra_host_that_cannot_be_read_are_counted_per_host_and_reported_once()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();

        Assert.Null(observer.BeginExchange(ExchangeDriver.Request("llm.corp.example", "/v2/generate", "{}")));
        Assert.Null(observer.BeginExchange(ExchangeDriver.Request("llm.corp.example", "/v2/generate?x=1", "{}")));
        Assert.Null(observer.BeginExchange(ExchangeDriver.Request("api.perplexity.ai", "/chat/completions", "{}", declaredFormat: "cohere")));
        Assert.Null(observer.BeginExchange(ExchangeDriver.Request("llm.corp.example", "/v1/models", "", method: "GET")));
        Assert.Null(observer.BeginExchange(ExchangeDriver.Request("api.anthropic.com", "/v1/messages/count_tokens", "{}")));

        Assert.Equal(
            new Dictionary<string, long> { ["api.perplexity.ai"] = 1, ["llm.corp.example"] = 2 },
            observer.UnreadableHosts);
        Assert.Equal(new[] { "api.perplexity.ai", "llm.corp.example" }, observer.UnreadableHosts.Keys);
        Assert.Equal(2, observer.Failures);
        Assert.Contains("api.perplexity.ai", observer.LastFailure, StringComparison.Ordinal);
        Assert.Contains("'cohere'", observer.LastFailure, StringComparison.Ordinal);
        Assert.Contains("-InterceptHost 'api.perplexity.ai=", observer.LastFailure, StringComparison.Ordinal);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void A_route_in_a_wire_format_no_parser_reads_gets_no_tap_and_its_host_is_counted_as_unreadable()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var route = new ApiRoute("llm.corp.example", "chat.completions", (WireFormat)99);

        Assert.Null(observer.BeginExchange(ExchangeDriver.Request("llm.corp.example", "/v1/chat/completions", "{}"), route));
        Assert.Null(observer.BeginExchange(ExchangeDriver.Request("llm.corp.example", "/v1/chat/completions", "{}"), route));

        Assert.Equal(new Dictionary<string, long> { ["llm.corp.example"] = 2 }, observer.UnreadableHosts);
        Assert.Equal(1, observer.Failures);
        Assert.Contains("llm.corp.example: POST /v1/chat/completions could not be read (no parser reads the wire format 99)", observer.LastFailure, StringComparison.Ordinal);
        Assert.Empty(sink.Events);
    }
}
