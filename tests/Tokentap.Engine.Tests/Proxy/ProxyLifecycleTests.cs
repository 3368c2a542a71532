// Starting and stopping: loopback-only binding, ports, parallel listeners, draining and cutting in-flight exchanges.
using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyLifecycleTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyLifecycleTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Listens_on_loopback_only_with_the_reported_port()
    {
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));

        Assert.NotEqual(0, proxy.Port);
        Assert.Equal(new Uri($"http://127.0.0.1:{proxy.Port}"), proxy.ProxyUri);
        Assert.All(proxy.Endpoints, e => Assert.True(IPAddress.IsLoopback(e.Address)));
        Assert.All(proxy.Endpoints, e => Assert.Equal(proxy.Port, e.Port));
        Assert.Contains(proxy.Endpoints, e => e.Address.Equals(IPAddress.Loopback));
        if (LoopbackPorts.IsIPv6LoopbackUsable())
        {
            Assert.Contains(proxy.Endpoints, e => e.Address.Equals(IPAddress.IPv6Loopback));
            using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
            await v6.ConnectAsync(IPAddress.IPv6Loopback, proxy.Port);
        }

        var external = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork)
            .ToList();
        foreach (var address in external)
        {
            using var probe = new TcpClient(AddressFamily.InterNetwork);
            await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(address, proxy.Port));
        }
    }

    [Fact]
    public async Task A_taken_port_fails_the_start()
    {
        await using var first = ProxyTestEnvironment.Start(_env.Options(null));
        var second = new ProxyServer(_env.Options(null) with { Port = first.Port });

        Assert.Throws<SocketException>(second.Start);
        Assert.False(LoopbackPorts.IsFree(first.Port));
        Assert.False(second.IsRunning);
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Two_listeners_share_the_ca_and_the_observer_and_keep_their_own_tags()
    {
        _env.Upstream.Map("GET", "/v1/tags", MockResponses.Json("{}"));
        var observer = new RecordingObserver();
        await using var main = ProxyTestEnvironment.Start(_env.Options(observer) with { Tags = new ExchangeTags("main", null, null) });
        await using var invoke = ProxyTestEnvironment.Start(_env.Options(observer) with { Tags = new ExchangeTags("cmd", "codex", "proj") });
        using var mainClient = _env.Client(main);
        using var invokeClient = _env.Client(invoke);

        await mainClient.GetStringAsync("https://api.openai.com/v1/tags");
        await invokeClient.GetStringAsync("https://api.openai.com/v1/tags");

        var tags = new[] { (await observer.NextCompletedAsync()).Request.Tags, (await observer.NextCompletedAsync()).Request.Tags };
        Assert.Equal(new[] { new ExchangeTags("main", null, null), new ExchangeTags("cmd", "codex", "proj") }, tags);
        Assert.Equal(1, main.Statistics.Exchanges);
        Assert.Equal(1, invoke.Statistics.Exchanges);
    }

    [Fact]
    public async Task Stop_cuts_an_exchange_that_outlives_the_grace_period_records_it_and_frees_the_port()
    {
        var feed = new MockChunkFeed();
        _env.Upstream.Map("POST", "/v1/stop-cut", MockResponses.Stream(feed));
        var observer = new RecordingObserver();
        var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        var port = proxy.Port;
        using var client = _env.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/stop-cut") { Content = new StringContent("{}") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        feed.Send("data: before stop\n\n");
        await stream.ReadAtLeastAsync(new byte[19], 19);

        var stopwatch = Stopwatch.StartNew();
        await proxy.StopAsync(TimeSpan.FromMilliseconds(200));
        stopwatch.Stop();

        Assert.InRange(stopwatch.ElapsedMilliseconds, 150, 5000);
        var exchange = observer.Exchanges.Single();
        var completion = await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("proxy stopped", completion.UpstreamError, StringComparison.Ordinal);
        Assert.Equal("data: before stop\n\n", exchange.BodyText);
        Assert.True(await feed.Finished.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(proxy.IsRunning);
        Assert.Equal(0, proxy.Statistics.ActiveConnections);
        Assert.True(LoopbackPorts.IsFree(port));
        await Assert.ThrowsAnyAsync<IOException>(() => stream.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task Stop_lets_an_exchange_finish_within_the_grace_period_and_closes_idle_connections_at_once()
    {
        var feed = new MockChunkFeed();
        _env.Upstream.Map("POST", "/v1/stop-drain", MockResponses.Stream(feed));
        _env.Upstream.Map("GET", "/v1/stop-idle", MockResponses.Json("{}"));
        var observer = new RecordingObserver();
        var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var idleClient = _env.Client(proxy);
        await idleClient.GetStringAsync("https://api.openai.com/v1/stop-idle");
        using var client = _env.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/stop-drain") { Content = new StringContent("{}") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();

        var stopping = proxy.StopAsync(TimeSpan.FromSeconds(10));
        feed.Send("data: after stop began\n\n");
        feed.Complete();
        using var reader = new StreamReader(stream);
        var body = await reader.ReadToEndAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("data: after stop began\n\n", body);
        var completed = await observer.Exchanges[^1].Completed;
        Assert.Null(completed.UpstreamError);
        Assert.Equal(0, proxy.Statistics.ActiveConnections);
        await Assert.ThrowsAsync<HttpRequestException>(() => idleClient.GetStringAsync("https://api.openai.com/v1/stop-idle"));
    }

    [Fact]
    public async Task Start_refuses_intercept_hosts_the_ca_does_not_permit()
    {
        var options = _env.Options(null) with { InterceptHosts = InterceptHostList.WithAdditions(new[] { "llm.internal.example" }) };
        await using var proxy = new ProxyServer(options);

        var error = Assert.Throws<InvalidOperationException>(proxy.Start);
        Assert.Contains("llm.internal.example", error.Message, StringComparison.Ordinal);
    }
}
