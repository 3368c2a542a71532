// The request fingerprint is taken on the tap's worker from the kept copy of the body: it must still be the body as the
// client sent it (before the include_usage rewrite), and a body too large to keep is fingerprinted at once.
using System.Text;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Providers;

public sealed class RequestFingerprintOfSentBodyTests
{
    private const string Path = "/v1/chat/completions";
    private const string StreamingChat = """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public void Rewritten_streaming_chat_request_is_fingerprinted_as_the_client_sent_it()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request("api.openai.com", Path, StreamingChat);

        var recorded = Assert.Single(Run(observer, sink, request));

        Assert.True(request.BodyReplaced);
        Assert.Equal(RequestFingerprint.Compute("POST", Path, Encoding.UTF8.GetBytes(StreamingChat)), recorded.RequestFingerprint);
        Assert.NotEqual(RequestFingerprint.Compute("POST", Path, request.Body.Span), recorded.RequestFingerprint);
    }

    [Fact]
    public void Body_larger_than_the_kept_copy_is_still_fingerprinted_exactly()
    {
        var (observer, sink) = ExchangeDriver.NewObserver(new UsageObserverOptions { MaxRequestBodyBytes = 16 });
        var request = ExchangeDriver.Request("api.openai.com", Path, StreamingChat);

        var recorded = Assert.Single(Run(observer, sink, request));

        Assert.Equal(RequestFingerprint.Compute("POST", Path, Encoding.UTF8.GetBytes(StreamingChat)), recorded.RequestFingerprint);
    }

    private static List<UsageEvent> Run(UsageObserver observer, CapturingSink sink, Tokentap.Engine.Proxy.ExchangeRequest request) =>
        ExchangeDriver.Run(
            observer,
            sink,
            request,
            ExchangeDriver.Head(200, ("content-type", "text/event-stream")),
            [ExchangeDriver.Fixture("openai-chat.sse")],
            ExchangeDriver.Completed());
}
