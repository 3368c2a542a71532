// The request-head deadline: half-sent heads and idle keep-alive connections are closed, slow complete clients served.
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyHeadDeadlineTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyHeadDeadlineTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Connections_that_never_finish_a_request_head_are_closed_without_an_event()
    {
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer) with { RequestHeadTimeout = TimeSpan.FromMilliseconds(300) });
        var partial = new List<RawHttpConnection>();
        for (var i = 0; i < 20; i++)
        {
            var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);
            await raw.SendAsync(i % 2 == 0 ? "POST /anthropic/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " : "GET /openai/v1/mod");
            partial.Add(raw);
        }

        // A CONNECT answered 200 whose tunnel never carries a byte is held to the same deadline.
        var tunnel = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);
        Assert.Equal(200, (await tunnel.ConnectAsync("api.openai.com:443")).StatusCode);
        partial.Add(tunnel);

        foreach (var raw in partial)
        {
            Assert.True(await raw.IsClosedByPeerAsync(TimeSpan.FromSeconds(20)));
            await raw.DisposeAsync();
        }

        Assert.Empty(observer.Exchanges);
        Assert.Equal(0, proxy.Statistics.Failures(ProxyFailureKind.MalformedRequest));
        Assert.DoesNotContain(_env.Upstream.Requests, r => r.Path == "/v1/mod");
    }

    [Fact]
    public async Task A_slow_but_complete_head_is_served_and_the_idle_keep_alive_connection_is_closed_after_it()
    {
        _env.Upstream.Map("POST", "/v1/slow-head", MockResponses.Json("{\"served\":true}"));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer) with { RequestHeadTimeout = TimeSpan.FromSeconds(3) });
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        foreach (var piece in new[] { "POST /anthropic/v1/slow-head HTTP/1.1\r\n", "Host: 127.0.0.1\r\n", "Content-Length: 2\r\n\r\n{}" })
        {
            await raw.SendAsync(piece);
            await Task.Delay(100);
        }

        var response = await raw.ReadResponseAsync();
        Assert.Equal(200, response!.StatusCode);
        Assert.Equal("{\"served\":true}", response.BodyText);
        Assert.Equal("/v1/slow-head", (await observer.NextCompletedAsync()).Request.PathAndQuery);

        // Kept alive, then idle: the next head never comes, so the connection is closed.
        Assert.True(await raw.IsClosedByPeerAsync(TimeSpan.FromSeconds(20)));
        Assert.Single(observer.Exchanges);
    }
}
