// End-to-end forwarding through the proxy: bodies byte for byte, streams as they arrive, headers, routes, keep-alive.
using System.Net;
using System.Text;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyForwardingTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyForwardingTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Json_response_reaches_the_client_byte_for_byte_and_the_observer_sees_the_exchange()
    {
        const string json = "{\"id\":\"msg_01\",\"type\":\"message\",\"usage\":{\"input_tokens\":1007,\"output_tokens\":53},\"text\":\"h\u00e9llo \\u2603\"}";
        _env.Upstream.Map("POST", "/v1/json-identical", MockResponses.Json(
            json,
            200,
            ("request-id", "req_0123"),
            ("anthropic-ratelimit-requests-remaining", "49"),
            ("anthropic-ratelimit-tokens-reset", "2026-11-22T10:00:00Z"),
            ("x-Custom-Case", "Keep")));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer) with { Tags = new ExchangeTags("s1", "claude", "proj") });
        using var client = _env.Client(proxy);
        var requestBody = "{\"model\":\"claude-opus-4-8\",\"stream\":false}";

        using var content = new StringContent(requestBody, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("https://api.anthropic.com/v1/json-identical?beta=true", content);
        var received = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(json), received);
        Assert.Equal("req_0123", response.Headers.GetValues("request-id").Single());
        Assert.Equal("49", response.Headers.GetValues("anthropic-ratelimit-requests-remaining").Single());
        Assert.Equal("2026-11-22T10:00:00Z", response.Headers.GetValues("anthropic-ratelimit-tokens-reset").Single());
        Assert.Equal("Keep", response.Headers.GetValues("x-Custom-Case").Single());

        var upstreamRequest = _env.Upstream.Requests.Last(r => r.Path == "/v1/json-identical");
        Assert.Equal("?beta=true", upstreamRequest.Query);
        Assert.Equal(requestBody, upstreamRequest.BodyText);
        Assert.Equal(requestBody.Length, upstreamRequest.ContentLength);

        var exchange = await observer.NextCompletedAsync();
        Assert.Equal("api.anthropic.com", exchange.Request.Host);
        Assert.Equal(443, exchange.Request.Port);
        Assert.Equal("POST", exchange.Request.Method);
        Assert.Equal("/v1/json-identical?beta=true", exchange.Request.PathAndQuery);
        Assert.Equal(ProxyRoute.Connect, exchange.Request.Route);
        Assert.Equal(new ExchangeTags("s1", "claude", "proj"), exchange.Request.Tags);
        Assert.Equal(requestBody, Encoding.UTF8.GetString(exchange.Request.Body.Span));
        Assert.Equal(200, exchange.Head!.StatusCode);
        Assert.Equal("req_0123", exchange.Head.Headers.Get("request-id"));
        Assert.Equal(json, exchange.BodyText);
        var completion = exchange.Completion!;
        Assert.False(completion.ClientAborted);
        Assert.Null(completion.UpstreamError);
        Assert.Null(completion.ProxyStatusCode);
        Assert.Equal(Encoding.UTF8.GetByteCount(json), completion.ResponseBytes);
        Assert.Equal("head", exchange.Calls[0]);
        Assert.Equal("completed", exchange.Calls[^1]);
        Assert.False(exchange.ContractViolated);
        Assert.Equal(1, proxy.Statistics.ObservedExchanges);
        Assert.Equal(1, proxy.Statistics.InterceptedTunnels);
    }

    [Fact]
    public async Task Sse_chunks_reach_the_client_one_by_one_before_the_upstream_sends_the_next()
    {
        var feed = new MockChunkFeed();
        _env.Upstream.Map("POST", "/v1/sse-incremental", MockResponses.Stream(feed, "text/event-stream", ("request-id", "req_sse")));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);
        var chunks = new[]
        {
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10}}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Hi\"}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":2}}\n\n",
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/sse-incremental")
        {
            Content = new StringContent("{\"stream\":true}", Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);

        var received = new StringBuilder();
        foreach (var chunk in chunks)
        {
            feed.Send(chunk);
            await ReadUntilAsync(stream, received, received.Length + chunk.Length);

            // The client holds this chunk while the upstream has not been asked for the next one.
            Assert.EndsWith(chunk, received.ToString(), StringComparison.Ordinal);
            Assert.Equal(Array.IndexOf(chunks, chunk) + 1, feed.ChunksWritten);
        }

        feed.Complete();
        var buffer = new byte[16];
        Assert.Equal(0, await stream.ReadAsync(buffer));
        Assert.Equal(string.Concat(chunks), received.ToString());

        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(string.Concat(chunks), exchange.BodyText);
        Assert.Equal(3, exchange.BodyPieces.Count);
        Assert.Equal(Encoding.UTF8.GetByteCount(string.Concat(chunks)), exchange.Completion!.ResponseBytes);
    }

    [Fact]
    public async Task Gzip_body_is_untouched_for_the_client_and_decoded_for_the_observer()
    {
        var plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"{{\"n\":{i},\"usage\":{{\"total_tokens\":{i * 3}}}}}\n")));
        var compressed = MockResponses.GzipBytes(plain);
        _env.Upstream.Map("GET", "/v1/gzip", MockResponses.Bytes(compressed, "application/json", 200, ("Content-Encoding", "gzip")));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.openai.com/v1/gzip");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br, zstd");

        using var response = await client.SendAsync(request);
        var received = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(compressed, received);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        Assert.Equal("gzip, deflate, br", _env.Upstream.Requests.Last(r => r.Path == "/v1/gzip").Header("Accept-Encoding"));
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(plain, exchange.Body);
        Assert.Null(exchange.Completion!.DecodeError);
        Assert.Equal(compressed.Length, exchange.Completion.ResponseBytes);
    }

    [Fact]
    public async Task Hop_by_hop_request_fields_are_dropped_and_end_to_end_ones_forwarded()
    {
        _env.Upstream.Map("POST", "/v1/hop", MockResponses.Json("{}"));
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);
        await raw.SendAsync("CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\n\r\n");
        Assert.Equal(200, (await raw.ReadResponseAsync(headOnly: true))!.StatusCode);
        await raw.StartTlsAsync("api.anthropic.com", new[] { _env.Ca.Certificate });
        await raw.SendAsync(
            "POST /v1/hop HTTP/1.1\r\nHost: api.anthropic.com\r\nConnection: keep-alive, X-Conn-Listed\r\nX-Conn-Listed: secret\r\n" +
            "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\nx-api-key: sk-test\r\nanthropic-version: 2023-06-01\r\n" +
            "X-Multi: a\r\nX-Multi: b\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        var response = await raw.ReadResponseAsync();

        Assert.Equal(200, response!.StatusCode);
        var seen = _env.Upstream.Requests.Last(r => r.Path == "/v1/hop");
        Assert.Null(seen.Header("X-Conn-Listed"));
        Assert.Null(seen.Header("Keep-Alive"));
        Assert.Null(seen.Header("TE"));
        Assert.Null(seen.Header("Proxy-Connection"));
        Assert.Null(seen.Header("Proxy-Authorization"));
        Assert.Equal("sk-test", seen.Header("x-api-key"));
        Assert.Equal("2023-06-01", seen.Header("anthropic-version"));
        Assert.Equal(new[] { "a", "b" }, seen.Headers.Where(h => h.Key.Equals("X-Multi", StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value.Split(',', StringSplitOptions.TrimEntries)));
        Assert.Equal($"127.0.0.1:{_env.Upstream.Port}", seen.Host);
        Assert.Equal("application/json", seen.Header("Content-Type"));
    }

    [Fact]
    public async Task Base_url_mode_maps_prefixes_to_provider_hosts_and_answers_404_with_help_elsewhere()
    {
        _env.Upstream.Map("POST", "/v1/messages-base", MockResponses.Json("{\"ok\":1}"));
        _env.Upstream.Map("GET", "/v1/models-base", MockResponses.Json("{\"ok\":2}"));
        _env.Upstream.Map("POST", "/v1beta/models/gemini-3.5-flash:streamGenerateContent", MockResponses.Json("{\"ok\":3}"));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = TestClients.Create(null, Array.Empty<System.Security.Cryptography.X509Certificates.X509Certificate2>());
        var baseUri = $"http://127.0.0.1:{proxy.Port}";

        using var anthropic = await client.PostAsync(baseUri + "/anthropic/v1/messages-base?beta=true", new StringContent("{}"));
        Assert.Equal("{\"ok\":1}", await anthropic.Content.ReadAsStringAsync());
        var first = await observer.NextCompletedAsync();
        Assert.Equal("api.anthropic.com", first.Request.Host);
        Assert.Equal(ProxyRoute.BaseUrl, first.Request.Route);
        Assert.Equal("/v1/messages-base?beta=true", first.Request.PathAndQuery);
        Assert.Equal("?beta=true", _env.Upstream.Requests.Last(r => r.Path == "/v1/messages-base").Query);

        using var openai = await client.GetAsync(baseUri + "/openai/v1/models-base");
        Assert.Equal("{\"ok\":2}", await openai.Content.ReadAsStringAsync());
        Assert.Equal("api.openai.com", (await observer.NextCompletedAsync()).Request.Host);

        using var gemini = await client.PostAsync(baseUri + "/gemini/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse", new StringContent("{}"));
        Assert.Equal("{\"ok\":3}", await gemini.Content.ReadAsStringAsync());
        var third = await observer.NextCompletedAsync();
        Assert.Equal("generativelanguage.googleapis.com", third.Request.Host);
        Assert.Equal("/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse", third.Request.PathAndQuery);

        using var unknown = await client.GetAsync(baseUri + "/v1/messages");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var help = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("/anthropic", help, StringComparison.Ordinal);
        Assert.Contains($"HTTPS_PROXY=http://127.0.0.1:{proxy.Port}", help, StringComparison.Ordinal);
        Assert.Equal(3, observer.Exchanges.Count);
    }

    [Fact]
    public async Task Chunked_request_body_is_decoded_and_forwarded_with_its_length()
    {
        _env.Upstream.Map("POST", "/v1/echo-chunked", MockResponses.Echo());
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);
        var body = "{\"model\":\"gpt-5\",\"input\":\"" + new string('x', 5000) + "\"}";
        var chunked = new StringBuilder();
        for (var i = 0; i < body.Length; i += 777)
        {
            var piece = body.Substring(i, Math.Min(777, body.Length - i));
            chunked.Append(piece.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append(i == 0 ? ";ext=1" : string.Empty).Append("\r\n").Append(piece).Append("\r\n");
        }

        chunked.Append("0\r\nX-Trailer: t\r\n\r\n");
        await raw.SendAsync("POST /openai/v1/echo-chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n");
        var bytes = Encoding.ASCII.GetBytes(chunked.ToString());
        for (var i = 0; i < bytes.Length; i += 1000)
        {
            await raw.SendAsync(bytes[i..Math.Min(bytes.Length, i + 1000)]);
        }

        var response = await raw.ReadResponseAsync();

        Assert.Equal(200, response!.StatusCode);
        Assert.Equal(body, response.BodyText);
        Assert.Equal("false", response.Header("X-Echo-Chunked"));
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("X-Echo-Content-Length"));
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(body, Encoding.UTF8.GetString(exchange.Request.Body.Span));
    }

    [Fact]
    public async Task Observer_may_rewrite_the_request_body_and_the_length_follows()
    {
        _env.Upstream.Map("POST", "/v1/echo-rewrite", MockResponses.Echo());
        var observer = new RecordingObserver
        {
            OnBegin = request => request.ReplaceBody(Encoding.UTF8.GetBytes("{\"stream\":true,\"stream_options\":{\"include_usage\":true}}")),
        };
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);

        using var response = await client.PostAsync("https://api.openai.com/v1/echo-rewrite", new StringContent("{\"stream\":true}", Encoding.UTF8, "application/json"));

        var expected = "{\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(expected.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Echo-Content-Length").Single());
        Assert.Equal("application/json; charset=utf-8", _env.Upstream.Requests.Last(r => r.Path == "/v1/echo-rewrite").Header("Content-Type"));
    }

    [Fact]
    public async Task A_hundred_sequential_requests_share_one_client_connection()
    {
        _env.Upstream.Map("POST", "/v1/keepalive", MockResponses.Echo());
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy, maxConnectionsPerServer: 1);

        for (var i = 0; i < 100; i++)
        {
            using var response = await client.PostAsync("https://api.anthropic.com/v1/keepalive", new StringContent($"request {i}"));
            Assert.Equal($"request {i}", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(1, proxy.Statistics.Connections);
        Assert.Equal(1, proxy.Statistics.InterceptedTunnels);
        Assert.Equal(100, proxy.Statistics.Exchanges);
        Assert.Equal(100, observer.Exchanges.Count);
        var upstreamConnections = _env.Upstream.Requests.Where(r => r.Path == "/v1/keepalive").Select(r => r.ConnectionId).Distinct().Count();
        Assert.Equal(1, upstreamConnections);
    }

    [Fact]
    public async Task Fifty_concurrent_connections_are_served_at_once()
    {
        const int count = 50;
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _env.Upstream.Map("GET", "/v1/concurrent", async context =>
        {
            if (Interlocked.Increment(ref arrived) == count)
            {
                allArrived.TrySetResult();
            }

            // Every request waits until all fifty are in flight: only a proxy serving them concurrently gets here.
            await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(20), context.Aborted);
            await MockResponses.Json($"{{\"path\":\"{context.Request.Query}\"}}")(context);
        });
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(new RecordingObserver()));
        using var client = _env.Client(proxy);

        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(i => client.GetStringAsync($"https://api.openai.com/v1/concurrent?i={i}")));

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"{{\"path\":\"?i={i}\"}}"), responses);
        Assert.Equal(count, proxy.Statistics.Connections);
        Assert.Equal(count, proxy.Statistics.Exchanges);
    }

    [Fact]
    public async Task Override_base_path_is_prepended_but_the_observer_sees_the_real_path()
    {
        _env.Upstream.Map("GET", "/gateway/anthropic/v1/models", MockResponses.Json("{\"via\":\"gateway\"}"));
        var observer = new RecordingObserver();
        var options = _env.Options(observer) with
        {
            UpstreamOverrides = new Dictionary<string, Uri> { ["api.anthropic.com"] = new(_env.Upstream.BaseUri, "/gateway/anthropic/") },
        };
        await using var proxy = ProxyTestEnvironment.Start(options);
        using var client = _env.Client(proxy);

        Assert.Equal("{\"via\":\"gateway\"}", await client.GetStringAsync("https://api.anthropic.com/v1/models?limit=5"));
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal("/v1/models?limit=5", exchange.Request.PathAndQuery);
        Assert.Equal("api.anthropic.com", exchange.Request.Host);
        Assert.Equal("?limit=5", _env.Upstream.Requests.Last(r => r.Path == "/gateway/anthropic/v1/models").Query);
    }

    [Fact]
    public async Task Plain_http_proxy_requests_are_forwarded_and_observed_only_for_intercepted_hosts()
    {
        await using var plain = await MockUpstream.StartAsync();
        plain.Map("GET", "/plain", MockResponses.Json("{\"plain\":true}"));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer, plain));
        using var client = _env.Client(proxy);

        Assert.Equal("{\"plain\":true}", await client.GetStringAsync($"http://localhost:{plain.Port}/plain"));
        Assert.Empty(observer.Exchanges);

        Assert.Equal("{\"plain\":true}", await client.GetStringAsync("http://api.openai.com/plain"));
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(ProxyRoute.PlainHttp, exchange.Request.Route);
        Assert.Equal(80, exchange.Request.Port);
        Assert.Equal(2, proxy.Statistics.Exchanges);
    }

    [Fact]
    public async Task Connect_to_an_intercepted_host_on_a_plain_http_port_is_served_without_tls()
    {
        await using var plain = await MockUpstream.StartAsync();
        plain.Map("POST", "/v1/plain-connect", MockResponses.Json("{\"through\":\"connect\"}"));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer, plain));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        Assert.Equal(200, (await raw.ConnectAsync("api.openai.com:8080")).StatusCode);
        await raw.SendAsync("POST /v1/plain-connect HTTP/1.1\r\nHost: api.openai.com:8080\r\nContent-Length: 2\r\n\r\n{}");
        var response = await raw.ReadResponseAsync();

        Assert.Equal("{\"through\":\"connect\"}", response!.BodyText);
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal(8080, exchange.Request.Port);
        Assert.Equal(ProxyRoute.Connect, exchange.Request.Route);
    }

    [Fact]
    public async Task Expect_100_continue_is_answered_by_the_proxy_before_the_body()
    {
        _env.Upstream.Map("POST", "/v1/echo-expect", MockResponses.Echo());
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        await raw.SendAsync("POST /anthropic/v1/echo-expect HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        var interim = await raw.ReadResponseAsync();
        Assert.Equal(100, interim!.StatusCode);
        await raw.SendAsync("hello");
        var final = await raw.ReadResponseAsync();

        Assert.Equal(200, final!.StatusCode);
        Assert.Equal("hello", final.BodyText);
        Assert.Null(_env.Upstream.Requests.Last(r => r.Path == "/v1/echo-expect").Header("Expect"));
    }

    [Fact]
    public async Task Head_and_no_content_responses_carry_no_body_and_keep_the_connection()
    {
        _env.Upstream.Map("HEAD", "/v1/head", MockResponses.Json("{\"would\":\"be here\"}"));
        _env.Upstream.Map("DELETE", "/v1/nothing", context => { context.Status(204); return Task.CompletedTask; });
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        await raw.SendAsync("HEAD /openai/v1/head HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = (await raw.ReadResponseAsync(headOnly: true))!;
        await raw.SendAsync("DELETE /openai/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
        var none = await raw.ReadResponseAsync();

        Assert.Equal(200, head.StatusCode);
        Assert.Equal("19", head.Header("Content-Length"));
        Assert.Equal(204, none!.StatusCode);
        Assert.Empty(none.Body);
        Assert.Equal(1, proxy.Statistics.Connections);
    }

    private static async Task ReadUntilAsync(Stream stream, StringBuilder received, int length)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Encoding.UTF8.GetByteCount(received.ToString()) < length)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, n);
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }
}
