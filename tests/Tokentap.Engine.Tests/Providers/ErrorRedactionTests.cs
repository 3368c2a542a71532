// The error-text redactor alone: the request's own values, key shapes, and the cap applied after redaction.
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Providers;

public sealed class ErrorRedactionTests
{
    [Fact]
    public void A_secret_straddling_the_cap_is_removed_before_the_text_is_cut()
    {
        var redaction = ErrorRedaction.For(Request("/v1/messages", ("x-api-key", "plainsecretvalue0123456789")));
        var text = new string('a', ErrorRedaction.MaxLength - 10) + "plainsecretvalue0123456789 tail";

        var redacted = redaction.Apply(text)!;

        Assert.Equal(ErrorRedaction.MaxLength, redacted.Length);
        Assert.Equal(new string('a', ErrorRedaction.MaxLength - 10) + "[redacted]", redacted);
    }

    [Fact]
    public void Percent_encoded_query_values_are_matched_decoded_and_short_values_are_left_alone()
    {
        var redaction = ErrorRedaction.For(Request("/v1beta/models/x:streamGenerateContent?alt=sse&ticket=a%2Fb%2Bc0123456", ("user-agent", "curl/8.5.0")));

        var redacted = redaction.Apply("ticket a/b+c0123456 and a%2Fb%2Bc0123456 via alt sse by curl/8.5.0");

        Assert.Equal("ticket [redacted] and [redacted] via alt sse by curl/8.5.0", redacted);
    }

    [Fact]
    public void Short_cookie_values_stay_and_long_ones_go()
    {
        var redaction = ErrorRedaction.For(Request("/v1/messages", ("Cookie", "theme=dark; session=Zq8xK2s3ss10nVal")));

        Assert.Equal("dark mode, session [redacted]", redaction.Apply("dark mode, session Zq8xK2s3ss10nVal"));
    }

    [Fact]
    public void Key_shapes_are_redacted_without_the_request()
    {
        var redaction = ErrorRedaction.For(Request("/v1/chat/completions"));

        var redacted = redaction.Apply("key sk-or-v1-0123456789abcdef, Authorization: Basic dXNlcjpwYXNz, url https://h/x?api_key=abc123&x=1, aws ASIAABCDEFGHIJKLMNOP");

        Assert.Equal("key [redacted], Authorization: Basic [redacted], url https://h/x?api_key=[redacted]&x=1, aws [redacted]", redacted);
    }

    private static ExchangeRequest Request(string pathAndQuery, params (string Name, string Value)[] headers) =>
        new(ReadOnlyMemory<byte>.Empty)
        {
            Host = "api.example.com",
            Port = 443,
            Method = "POST",
            PathAndQuery = pathAndQuery,
            Headers = new HeaderList(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))),
            Route = ProxyRoute.Connect,
            StartedUtc = DateTime.UtcNow,
            Tags = ExchangeTags.None,
        };
}
