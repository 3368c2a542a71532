// What the proxy answers when things go wrong, and that every such exchange is still recorded and the proxy goes on.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyErrorTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyErrorTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Unreachable_upstream_gets_502_naming_host_and_cause_and_the_connection_keeps_serving()
    {
        var deadPort = FreePort();
        _env.Upstream.Map("GET", "/v1/after-502", MockResponses.Json("{\"alive\":true}"));
        var observer = new RecordingObserver();
        var options = _env.Options(observer) with
        {
            UpstreamOverrides = new Dictionary<string, Uri>
            {
                ["api.anthropic.com"] = new($"https://127.0.0.1:{deadPort}"),
                ["api.openai.com"] = _env.Upstream.BaseUri,
            },
        };
        await using var proxy = ProxyTestEnvironment.Start(options);
        using var client = _env.Client(proxy, maxConnectionsPerServer: 1);

        using var response = await client.PostAsync("https://api.anthropic.com/v1/messages", new StringContent("{}"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("api.anthropic.com:443", text, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{deadPort}", text, StringComparison.Ordinal);
        Assert.Contains("connection refused", text, StringComparison.Ordinal);
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(502, exchange.Completion!.ProxyStatusCode);
        Assert.Contains("connection refused", exchange.Completion.UpstreamError, StringComparison.Ordinal);
        Assert.Null(exchange.Head);
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.UpstreamUnreachable));
        Assert.Contains(proxy.Statistics.RecentFailures, f => f.Kind == ProxyFailureKind.UpstreamUnreachable && f.Message.Contains("connection refused", StringComparison.Ordinal));

        Assert.Equal("{\"alive\":true}", await client.GetStringAsync("https://api.openai.com/v1/after-502"));
    }

    [Theory]
    [InlineData("expired", "expired")]
    [InlineData("wrong-host", "name mismatch")]
    [InlineData("self-signed", "untrusted root")]
    public async Task Rejected_upstream_certificate_gets_502_with_the_reason_and_no_request_bytes_are_sent(string kind, string reason)
    {
        using var certificate = kind switch
        {
            "expired" => _env.TestCa.IssueServerCertificate(new[] { "api.anthropic.com" }, DateTimeOffset.UtcNow.AddHours(-12), DateTimeOffset.UtcNow.AddHours(-1)),
            "wrong-host" => _env.TestCa.IssueServerCertificate(new[] { "other.example" }, includeLoopbackIp: false),
            _ => TestCertificateAuthority.CreateSelfSignedServerCertificate(new[] { "api.anthropic.com" }),
        };
        await using var upstream = await MockUpstream.StartAsync(certificate);
        upstream.Map("*", "/v1/messages", MockResponses.Json("{}"));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer, upstream));
        using var client = _env.Client(proxy);

        using var response = await client.PostAsync("https://api.anthropic.com/v1/messages", new StringContent("{\"secret\":\"prompt\"}"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("certificate", text, StringComparison.Ordinal);
        Assert.Contains(reason, text, StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(502, exchange.Completion!.ProxyStatusCode);
        Assert.Contains(reason, exchange.Completion.UpstreamError, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.UpstreamCertificate));
    }

    [Fact]
    public async Task Upstream_that_sends_no_headers_in_time_gets_504_and_is_cancelled()
    {
        var upstreamGaveUp = new TaskCompletionSource();
        _env.Upstream.Map("POST", "/v1/hang", MockResponses.Hang(upstreamGaveUp));
        var observer = new RecordingObserver();
        var options = _env.Options(observer) with { UpstreamResponseHeadersTimeout = TimeSpan.FromMilliseconds(300) };
        await using var proxy = ProxyTestEnvironment.Start(options);
        using var client = _env.Client(proxy);

        using var response = await client.PostAsync("https://api.openai.com/v1/hang", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("no response headers within 0.3 s", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await upstreamGaveUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(504, exchange.Completion!.ProxyStatusCode);
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.UpstreamTimeout));
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    [InlineData("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 400)]
    [InlineData("GET /anthropic/v1 HTTP/1.1\r\nHost: x\r\n folded: value\r\n\r\n", 400)]
    [InlineData("GET /anthropic/v1 HTTP/1.1\r\nHost : x\r\n\r\n", 400)]
    [InlineData("GET /anthropic/v1 HTTP/1.1\r\nHost: x\rInjected: y\r\n\r\n", 400)]
    [InlineData("POST /anthropic/v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("POST /anthropic/v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400)]
    [InlineData("POST /anthropic/v1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501)]
    [InlineData("POST /anthropic/v1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", 400)]
    [InlineData("CONNECT bad/host:443 HTTP/1.1\r\n\r\n", 400)]
    [InlineData("CONNECT api.anthropic.com:99999 HTTP/1.1\r\n\r\n", 400)]
    public async Task Malformed_requests_get_an_error_and_the_connection_closes(string request, int status)
    {
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        await raw.SendAsync(request);
        var response = await raw.ReadResponseAsync();

        Assert.Equal(status, response!.StatusCode);
        Assert.Equal("close", response.Header("Connection"));
        Assert.StartsWith("Tokentap: ", response.BodyText, StringComparison.Ordinal);
        Assert.True(await raw.IsClosedByPeerAsync());
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.MalformedRequest));
    }

    [Fact]
    public async Task Headers_over_64_KiB_get_431()
    {
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);
        var big = new StringBuilder("GET /anthropic/v1/models HTTP/1.1\r\nHost: x\r\n");
        for (var i = 0; big.Length <= 64 * 1024; i++)
        {
            big.Append("X-Filler-").Append(i).Append(": ").Append(new string('f', 200)).Append("\r\n");
        }

        await raw.SendAsync(big.ToString());
        var response = await raw.ReadResponseAsync();

        Assert.Equal(431, response!.StatusCode);
        Assert.True(await raw.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task Oversized_body_on_an_intercepted_route_gets_413_and_is_still_recorded()
    {
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer) with { MaxRequestBodyBytes = 1000 });
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        await raw.SendAsync("POST /anthropic/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n");
        var response = await raw.ReadResponseAsync();

        Assert.Equal(413, response!.StatusCode);
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(413, exchange.Completion!.ProxyStatusCode);
        Assert.Equal("/v1/messages", exchange.Request.PathAndQuery);
        Assert.True(await raw.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task Unknown_transfer_coding_on_an_intercepted_route_gets_501_and_is_still_recorded()
    {
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        await raw.SendAsync("POST /openai/v1/responses HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br\r\n\r\n");
        var response = await raw.ReadResponseAsync();

        Assert.Equal(501, response!.StatusCode);
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal("api.openai.com", exchange.Request.Host);
        Assert.Equal(501, exchange.Completion!.ProxyStatusCode);
        Assert.Contains("transfer coding 'br'", exchange.Completion.UpstreamError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_tokentap_ca_is_recorded_as_a_tls_failure()
    {
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = TestClients.Create(proxy.ProxyUri, new[] { _env.TestCa.Certificate });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("https://api.anthropic.com/v1/models"));

        await WaitUntilAsync(() => proxy.Statistics.Failures(ProxyFailureKind.ClientTls) == 1);
        Assert.Contains("trust the Tokentap CA", proxy.Statistics.RecentFailures.Single().Message, StringComparison.Ordinal);
        Assert.Empty(observer.Exchanges);
    }

    [Fact]
    public async Task Client_that_disconnects_mid_stream_cancels_the_upstream_and_the_exchange_says_so()
    {
        var feed = new MockChunkFeed();
        _env.Upstream.Map("POST", "/v1/abort", MockResponses.Stream(feed));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/abort") { Content = new StringContent("{}") };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        feed.Send("data: first\n\n");
        var buffer = new byte[64];
        Assert.Equal(13, await stream.ReadAtLeastAsync(buffer, 13));

        // Hang up while the upstream is still streaming (it has not completed); the upstream must see the abort.
        response.Dispose();
        client.Dispose();

        Assert.True(await feed.Finished.WaitAsync(TimeSpan.FromSeconds(10)));
        var exchange = await observer.NextCompletedAsync();
        Assert.True(exchange.Completion!.ClientAborted);
        Assert.Equal("data: first\n\n", exchange.BodyText);
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.ClientAborted));
    }

    [Fact]
    public async Task Upstream_cut_mid_stream_cuts_the_client_and_records_the_error()
    {
        var feed = new MockChunkFeed();
        _env.Upstream.Map("POST", "/v1/cut", MockResponses.Stream(feed));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/cut") { Content = new StringContent("{}") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();

        feed.Send("data: partial\n\n");
        var buffer = new byte[64];
        Assert.Equal(15, await stream.ReadAtLeastAsync(buffer, 15));

        // Cut only once the chunk is through: a reset can discard bytes still unread in a socket buffer.
        feed.Cut();

        await Assert.ThrowsAnyAsync<IOException>(async () => await stream.CopyToAsync(Stream.Null));
        var exchange = await observer.NextCompletedAsync();
        Assert.Contains("mid-response", exchange.Completion!.UpstreamError, StringComparison.Ordinal);
        Assert.False(exchange.Completion.ClientAborted);
        Assert.Equal("data: partial\n\n", exchange.BodyText);
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.UpstreamCut));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
