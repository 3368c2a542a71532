// Blind tunnels for hosts that are not intercepted, and chaining through an upstream proxy.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyTunnelTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyTunnelTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Blind_tunnel_shows_the_upstreams_own_certificate_and_observes_nothing()
    {
        _env.Upstream.Map("GET", "/tunnelled", MockResponses.Json("{\"blind\":true}"));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        var seen = new List<X509Certificate2>();
        using var client = TestClients.Create(proxy.ProxyUri, new[] { _env.TestCa.Certificate }, onServerCertificate: seen.Add);

        var body = await client.GetStringAsync($"https://localhost:{_env.Upstream.Port}/tunnelled");

        Assert.Equal("{\"blind\":true}", body);
        Assert.Equal(_env.UpstreamCertificate.Thumbprint, Assert.Single(seen).Thumbprint);
        Assert.Empty(observer.Exchanges);
        Assert.Equal(1, proxy.Statistics.Tunnels);
        Assert.Equal(0, proxy.Statistics.Exchanges);
    }

    [Fact]
    public async Task Blind_tunnel_carries_any_protocol_to_any_port()
    {
        await using var plain = await MockUpstream.StartAsync();
        plain.Map("GET", "/plain-through-connect", MockResponses.Json("{\"port\":\"any\"}"));
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        Assert.Equal(200, (await raw.ConnectAsync($"127.0.0.1:{plain.Port}")).StatusCode);
        await raw.SendAsync("GET /plain-through-connect HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        Assert.Equal("{\"port\":\"any\"}", (await raw.ReadResponseAsync())!.BodyText);
    }

    [Fact]
    public async Task Connect_to_an_unreachable_host_gets_502()
    {
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        await using var raw = await RawHttpConnection.ConnectAsync(proxy.Endpoints[0]);

        await raw.SendAsync("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n");
        var response = await raw.ReadResponseAsync();

        Assert.Equal(502, response!.StatusCode);
        Assert.Contains("127.0.0.1:1", response.BodyText, StringComparison.Ordinal);
        Assert.Contains("connection refused", response.BodyText, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.Tunnel));
    }

    [Fact]
    public async Task Forwarded_requests_and_blind_tunnels_go_through_the_upstream_proxy()
    {
        var mock = new IPEndPoint(IPAddress.Loopback, _env.Upstream.Port);
        await using var upstreamProxy = new TestConnectProxy((_, _) => mock);
        _env.Upstream.Map("POST", "/v1/chained", MockResponses.Json("{\"chained\":true}"));
        _env.Upstream.Map("GET", "/blind-chained", MockResponses.Json("{\"blind\":\"chained\"}"));
        var observer = new RecordingObserver();
        var options = _env.Options(observer) with
        {
            UpstreamOverrides = new Dictionary<string, Uri>(),
            UpstreamProxy = upstreamProxy.Uri,
        };
        await using var proxy = ProxyTestEnvironment.Start(options);
        using var intercepted = _env.Client(proxy);
        using var blind = TestClients.Create(proxy.ProxyUri, new[] { _env.TestCa.Certificate });

        using var response = await intercepted.PostAsync("https://api.anthropic.com/v1/chained", new StringContent("{}"));
        Assert.Equal("{\"chained\":true}", await response.Content.ReadAsStringAsync());
        Assert.Equal("api.anthropic.com", (await observer.NextCompletedAsync()).Request.Host);
        Assert.Equal("api.anthropic.com", _env.Upstream.Requests.Last(r => r.Path == "/v1/chained").Host);

        Assert.Equal("{\"blind\":\"chained\"}", await blind.GetStringAsync("https://tunnel.test:9443/blind-chained"));

        Assert.Equal(new[] { "api.anthropic.com:443", "tunnel.test:9443" }, upstreamProxy.Targets);
    }
}
