// The request fingerprint as the usage observer computes it: equal for unchanged repeats, on the body the client sent.
using System.Text;
using Tokentap.Engine.Usage;
using Tokentap.Engine.Tests.Providers;

namespace Tokentap.Engine.Tests.Anomalies;

public sealed class RequestFingerprintTests
{
    private const string Body = """{"model":"claude-opus-4-8","stream":true,"max_tokens":32000,"messages":[{"role":"user","content":"hi"}]}""";

    private static UsageEvent Exchange(string method, string path, string body)
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var fixture = FixtureCases.Get("anthropic-sse");
        var request = ExchangeDriver.Request(fixture.Host, path, body, method: method);
        return Assert.Single(ExchangeDriver.Run(observer, sink, request, ExchangeDriver.Head(200), [ExchangeDriver.Fixture(fixture.File)], ExchangeDriver.Completed()));
    }

    [Fact]
    public void It_is_sha256_of_method_path_and_body_cut_to_128_bits()
    {
        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("POST /v1/messages?beta=true\n" + Body)))[..32].ToLowerInvariant();

        Assert.Equal(expected, RequestFingerprint.Compute("post", "/v1/messages?beta=true", Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void A_fingerprint_is_stored_as_its_16_bytes_and_anything_else_as_nothing()
    {
        const string fingerprint = "0123456789abcdef0f1e2d3c4b5a6978";
        var expected = new Guid(Convert.FromHexString(fingerprint));

        Assert.Equal(expected, RequestFingerprint.ToGuid(fingerprint));
        Assert.Equal(expected, RequestFingerprint.ToGuid(fingerprint.ToUpperInvariant()));
        Assert.Equal(fingerprint, RequestFingerprint.FromGuid(expected));
        Assert.Null(RequestFingerprint.ToGuid(null));
        Assert.Null(RequestFingerprint.ToGuid(fingerprint[..31]));
        Assert.Null(RequestFingerprint.ToGuid(fingerprint + "0"));
        Assert.Null(RequestFingerprint.ToGuid("0123456789abcdef0f1e2d3c4b5a697g"));
        Assert.Null(RequestFingerprint.ToGuid("g123456789abcdef0f1e2d3c4b5a6978"));
        Assert.Null(RequestFingerprint.ToGuid(" 123456789abcdef0f1e2d3c4b5a6978"));
    }

    [Fact]
    public void Long_and_non_ASCII_paths_empty_bodies_and_repeats_hash_the_same_way()
    {
        static string Expected(string line, string body) =>
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(line + body)))[..32].ToLowerInvariant();

        var longPath = "/v1beta/models/gemini-2.5-pro:generateContent?" + string.Join("&", Enumerable.Range(0, 80).Select(i => $"p{i}=value{i}"));
        Assert.True(longPath.Length > 600);
        Assert.Equal(Expected($"POST {longPath}\n", Body), RequestFingerprint.Compute("POST", longPath, Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(Expected("POST /v1/modèles/ü?q=日本\n", ""), RequestFingerprint.Compute("Post", "/v1/modèles/ü?q=日本", []));

        // The same request again (the hash is reused on a thread) and another in between give each their own value.
        var first = RequestFingerprint.Compute("POST", "/v1/messages", Encoding.UTF8.GetBytes(Body));
        var other = RequestFingerprint.Compute("POST", "/v1/messages", Encoding.UTF8.GetBytes(Body + " "));
        Assert.Equal(first, RequestFingerprint.Compute("POST", "/v1/messages", Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(Expected("POST /v1/messages\n", Body), first);
        Assert.Equal(Expected("POST /v1/messages\n", Body + " "), other);
        Assert.Equal(Expected(" \n", ""), RequestFingerprint.Compute("", "", []));
    }

    [Fact]
    public void Repeats_match_and_any_change_of_path_or_body_does_not()
    {
        var first = Exchange("POST", "/v1/messages?beta=true", Body);
        var again = Exchange("POST", "/v1/messages?beta=true", Body);
        var otherBody = Exchange("POST", "/v1/messages?beta=true", Body.Replace("hi", "hi!", StringComparison.Ordinal));
        var otherPath = Exchange("POST", "/v1/messages", Body);

        Assert.Equal(RequestFingerprint.Compute("POST", "/v1/messages?beta=true", Encoding.UTF8.GetBytes(Body)), first.RequestFingerprint);
        Assert.Equal(first.RequestFingerprint, again.RequestFingerprint);
        Assert.NotEqual(first.RequestFingerprint, otherBody.RequestFingerprint);
        Assert.NotEqual(first.RequestFingerprint, otherPath.RequestFingerprint);
    }

    [Fact]
    public void A_rewritten_chat_request_is_fingerprinted_as_the_client_sent_it()
    {
        const string chat = """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
        var (observer, sink) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request("api.openai.com", "/v1/chat/completions", chat);

        var usage = Assert.Single(ExchangeDriver.Run(observer, sink, request, ExchangeDriver.Head(200), [ExchangeDriver.Fixture("openai-chat.sse")], ExchangeDriver.Completed()));

        Assert.True(request.BodyReplaced);
        Assert.Equal(RequestFingerprint.Compute("POST", "/v1/chat/completions", Encoding.UTF8.GetBytes(chat)), usage.RequestFingerprint);
    }

    [Fact]
    public void Each_WebSocket_turn_is_fingerprinted_by_its_own_request_message()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request("api.openai.com", "/v1/responses", "", method: "GET", webSocket: true);
        var messages = ExchangeDriver.WebSocketMessages("openai-responses-ws.jsonl");

        var events = ExchangeDriver.RunWebSocket(observer, sink, request, messages, ExchangeDriver.Completed());

        var sent = messages.Where(m => m.Direction == Tokentap.Engine.Proxy.WebSocketMessageDirection.ClientToServer).Select(m => m.Payload).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(RequestFingerprint.Compute("GET", "/v1/responses", sent[0]), events[0].RequestFingerprint);
        Assert.Equal(RequestFingerprint.Compute("GET", "/v1/responses", sent[1]), events[1].RequestFingerprint);
    }
}
