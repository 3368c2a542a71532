// When the request body's facts (model, stream, session id) are read: on the client's path only when needed there.
using Tokentap.Engine.Providers;

namespace Tokentap.Engine.Tests.Providers;

public sealed class RequestFactsTimingTests
{
    private const string MessagesBody = """{"max_tokens":1024,"messages":[{"role":"user","content":"hi"}],"model":"claude-opus-4-8","stream":true}""";

    [Fact]
    public void A_messages_request_is_forwarded_without_a_pass_over_its_body_and_its_event_still_has_the_bodys_facts()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var tap = Assert.IsType<UsageTap>(observer.BeginExchange(ExchangeDriver.Request("api.anthropic.com", "/v1/messages", MessagesBody)));

        // Nothing read yet: the request goes upstream now, the facts are read when the event is described.
        Assert.False(tap.FactsRead);
        tap.OnResponseHead(ExchangeDriver.Head(200, ("content-type", "text/event-stream")));
        tap.OnResponseBody(ExchangeDriver.Fixture("anthropic-messages.sse"));
        tap.OnCompleted(ExchangeDriver.Completed());

        Assert.True(tap.FactsRead);
        var usage = Assert.Single(sink.Events);
        Assert.Equal("claude-opus-4-8", usage.RequestModel);
        Assert.True(usage.Streaming);
    }

    [Fact]
    public void A_streaming_chat_request_that_may_be_rewritten_has_its_facts_read_before_it_is_forwarded()
    {
        var (observer, _) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request("api.openai.com", "/v1/chat/completions", """{"model":"gpt-4o","stream":true}""");
        var tap = Assert.IsType<UsageTap>(observer.BeginExchange(request));

        Assert.True(tap.FactsRead);
        Assert.True(request.BodyReplaced);
    }

    [Fact]
    public void A_body_too_large_to_keep_has_its_facts_read_at_once_because_the_tap_will_not_have_it()
    {
        var (observer, sink) = ExchangeDriver.NewObserver(new UsageObserverOptions { MaxRequestBodyBytes = 64 });
        var tap = Assert.IsType<UsageTap>(observer.BeginExchange(ExchangeDriver.Request("api.anthropic.com", "/v1/messages", MessagesBody)));

        Assert.True(tap.FactsRead);
        tap.OnResponseHead(ExchangeDriver.Head(200, ("content-type", "text/event-stream")));
        tap.OnResponseBody(ExchangeDriver.Fixture("anthropic-messages.sse"));
        tap.OnCompleted(ExchangeDriver.Completed());
        var usage = Assert.Single(sink.Events);
        Assert.Equal("claude-opus-4-8", usage.RequestModel);
        Assert.True(usage.Streaming);
    }
}
