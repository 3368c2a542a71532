// The hand-written HTTP/1.1 head parser on its own: line endings, split input, strictness, limits, framing rules.
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class Http1ParserTests
{
    private const string Simple = "POST /v1/messages?beta=true HTTP/1.1\r\nHost: api.anthropic.com\r\nX-Api-Key:  sk-1 \r\nanthropic-version:2023-06-01\r\nContent-Length: 42\r\n\r\n";

    [Fact]
    public void Parses_the_request_line_and_fields_in_order_with_their_case_and_trimmed_values()
    {
        var head = Parse(Simple);

        Assert.Equal("POST", head.Method);
        Assert.Equal("/v1/messages?beta=true", head.Target);
        Assert.Equal(1, head.MinorVersion);
        Assert.Equal(
            new[] { "Host=api.anthropic.com", "X-Api-Key=sk-1", "anthropic-version=2023-06-01", "Content-Length=42" },
            head.Headers.Select(h => $"{h.Key}={h.Value}"));
        Assert.Equal(RequestBodyFraming.ContentLength, head.BodyFraming);
        Assert.Equal(42, head.ContentLength);
        Assert.True(head.KeepAlive);
        Assert.Same("POST", head.Method);
    }

    [Fact]
    public void Bare_lf_line_ends_are_accepted_and_give_the_same_result()
    {
        var crlf = Parse(Simple);
        var lf = Parse(Simple.Replace("\r\n", "\n", StringComparison.Ordinal));

        Assert.Equal(crlf.Target, lf.Target);
        Assert.Equal(crlf.Headers.Select(h => h.Key + h.Value), lf.Headers.Select(h => h.Key + h.Value));
    }

    [Fact]
    public void The_head_end_is_found_however_the_bytes_are_split()
    {
        foreach (var text in new[] { Simple, Simple.Replace("\r\n", "\n", StringComparison.Ordinal), "\r\n" + Simple })
        {
            var bytes = Encoding.ASCII.GetBytes(text + "BODY");
            var expectedEnd = bytes.Length - 4;
            for (var available = 0; available <= bytes.Length; available++)
            {
                // Grow the buffer one byte at a time, resuming the scan as a reader does.
                var scanFrom = 0;
                var end = -1;
                for (var seen = 1; seen <= available && end < 0; seen++)
                {
                    end = Http1Parser.FindHeadEnd(bytes.AsSpan(0, seen), ref scanFrom);
                }

                Assert.Equal(available >= expectedEnd ? expectedEnd : -1, end);
            }
        }
    }

    [Fact]
    public void Leading_empty_lines_before_the_request_line_are_skipped()
    {
        var head = Parse("\r\n\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n");

        Assert.Equal("/x", head.Target);
    }

    [Fact]
    public void Http_1_0_defaults_to_close_and_1_1_to_keep_alive()
    {
        Assert.False(Parse("GET / HTTP/1.0\r\n\r\n").KeepAlive);
        Assert.True(Parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").KeepAlive);
        Assert.False(Parse("GET / HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n").KeepAlive);
    }

    [Fact]
    public void Recognises_websocket_upgrades_and_expect_continue()
    {
        var upgrade = Parse("GET /v1/responses HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\n\r\n");
        var plain = Parse("GET /v1/responses HTTP/1.1\r\nUpgrade: websocket\r\n\r\n");
        var expect = Parse("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");

        Assert.True(upgrade.IsWebSocketUpgrade);
        Assert.False(plain.IsWebSocketUpgrade);
        Assert.True(expect.ExpectsContinue);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", "bare CR")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", "folding")]
    [InlineData("GET / HTTP/1.1\r\nHost : h\r\n\r\n", "invalid header field name")]
    [InlineData("GET / HTTP/1.1\r\nHo(st: h\r\n\r\n", "invalid header field name")]
    [InlineData("GET / HTTP/1.1\r\n: h\r\n\r\n", "without a name")]
    [InlineData("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "without a name or colon")]
    [InlineData("GET / HTTP/1.1\r\nX: a\u0001b\r\n\r\n", "control character")]
    [InlineData("GET / HTTP/2.0\r\n\r\n", "only HTTP/1.0 and HTTP/1.1")]
    [InlineData("GET / http/1.1\r\n\r\n", "malformed request line")]
    [InlineData("GET  / HTTP/1.1\r\n\r\n", "malformed request line")]
    [InlineData("GET /\u00e9 HTTP/1.1\r\n\r\n", "malformed request line")]
    [InlineData("G@T / HTTP/1.1\r\n\r\n", "malformed request line")]
    [InlineData("GET /\r\n\r\n", "malformed request line")]
    public void Malformed_heads_are_refused_with_400(string text, string reason)
    {
        var head = Http1Parser.ParseRequestHead(Encoding.Latin1.GetBytes(text), out var error);

        Assert.Null(head);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_256_fields_is_431()
    {
        var text = new StringBuilder("GET / HTTP/1.1\r\n");
        for (var i = 0; i <= Http1Parser.MaxHeaderCount; i++)
        {
            text.Append("X-").Append(i).Append(": v\r\n");
        }

        var head = Http1Parser.ParseRequestHead(Encoding.ASCII.GetBytes(text.Append("\r\n").ToString()), out var error);

        Assert.Null(head);
        Assert.Equal(431, error.StatusCode);
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n", 0, "Chunked", 0)]
    [InlineData("Transfer-Encoding: Chunked\r\n", 0, "Chunked", 0)]
    [InlineData("Content-Length: 0\r\n", 0, "ContentLength", 0)]
    [InlineData("Content-Length: 7\r\nContent-Length: 7\r\n", 0, "ContentLength", 7)]
    [InlineData("Content-Length: 7, 7\r\n", 0, "ContentLength", 7)]
    [InlineData("", 0, "None", 0)]
    [InlineData("Transfer-Encoding: gzip\r\n", 501, "None", 0)]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n", 501, "None", 0)]
    [InlineData("Transfer-Encoding: identity\r\n", 501, "None", 0)]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 400, "None", 0)]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", 400, "None", 0)]
    [InlineData("Content-Length: 7\r\nContent-Length: 8\r\n", 400, "None", 0)]
    [InlineData("Content-Length: +7\r\n", 400, "None", 0)]
    [InlineData("Content-Length: 0x10\r\n", 400, "None", 0)]
    [InlineData("Content-Length: 99999999999999999999\r\n", 400, "None", 0)]
    [InlineData("Content-Length: \r\n", 400, "None", 0)]
    public void Body_framing_follows_rfc_9112(string fields, int status, string framing, long length)
    {
        var head = Http1Parser.ParseRequestHead(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\n" + fields + "\r\n"), out var error);

        Assert.Equal(status, error.StatusCode);
        if (status == 0)
        {
            Assert.Equal(framing, head!.BodyFraming.ToString());
            Assert.Equal(length, head.ContentLength);
        }
    }

    [Theory]
    [InlineData("api.openai.com:443", true, "api.openai.com", 443)]
    [InlineData("api.openai.com:8080", true, "api.openai.com", 8080)]
    [InlineData("api.openai.com", true, "api.openai.com", 443)]
    [InlineData("[::1]:8443", true, "::1", 8443)]
    [InlineData("127.0.0.1:1", true, "127.0.0.1", 1)]
    [InlineData("host:0", false, "", 0)]
    [InlineData("host:65536", false, "", 0)]
    [InlineData("host:-1", false, "", 0)]
    [InlineData("ho/st:443", false, "", 0)]
    [InlineData("[nope]:443", false, "", 0)]
    [InlineData(":443", false, "", 0)]
    public void Authorities_split_into_host_and_port(string authority, bool valid, string host, int port)
    {
        var ok = Http1Parser.TryParseAuthority(authority, 443, out var parsedHost, out var parsedPort);

        Assert.Equal(valid, ok);
        if (valid)
        {
            Assert.Equal(host, parsedHost);
            Assert.Equal(port, parsedPort);
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 200 Connection established\r\n\r\n", true, 200, "Connection established")]
    [InlineData("HTTP/1.0 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n", true, 407, "Proxy Authentication Required")]
    [InlineData("HTTP/1.1 200\r\n\r\n", true, 200, "")]
    [InlineData("HTTP/2 200\r\n\r\n", false, 0, "")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n", false, 0, "")]
    public void Response_heads_of_upstream_proxies_are_parsed(string text, bool valid, int status, string reason)
    {
        var ok = Http1Parser.TryParseResponseHead(Encoding.ASCII.GetBytes(text), out var parsedStatus, out var parsedReason, out _);

        Assert.Equal(valid, ok);
        if (valid)
        {
            Assert.Equal(status, parsedStatus);
            Assert.Equal(reason, parsedReason);
        }
    }

    private static HttpRequestHead Parse(string text)
    {
        var head = Http1Parser.ParseRequestHead(Encoding.Latin1.GetBytes(text), out var error);
        Assert.False(error.IsError, error.Message);
        return head!;
    }
}
