// A slow, throwing or overwhelmed observer must never delay or break the client's stream.
using System.Text;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyObserverTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyObserverTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task A_blocked_tap_does_not_delay_the_stream_and_catches_up_afterwards()
    {
        var feed = new MockChunkFeed();
        _env.Upstream.Map("POST", "/v1/slow-tap", MockResponses.Stream(feed));
        using var gate = new ManualResetEventSlim(false);
        var observer = new RecordingObserver { OnBody = _ => gate.Wait(TimeSpan.FromSeconds(20)) };
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/slow-tap") { Content = new StringContent("{}") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256];

        // Every chunk reaches the client while the tap is stuck in its first OnResponseBody call.
        for (var i = 0; i < 20; i++)
        {
            var chunk = $"data: {{\"i\":{i:00}}}\n\n";
            feed.Send(chunk);
            Assert.Equal(chunk, Encoding.UTF8.GetString(buffer, 0, await stream.ReadAtLeastAsync(buffer, chunk.Length)));
        }

        feed.Complete();
        Assert.Equal(0, await stream.ReadAsync(buffer));
        var exchange = observer.Exchanges.Single();
        Assert.False(exchange.Completed.IsCompleted);

        gate.Set();
        var completion = await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(completion.ObserverOverflow);
        Assert.Equal(string.Concat(Enumerable.Range(0, 20).Select(i => $"data: {{\"i\":{i:00}}}\n\n")), exchange.BodyText);
        Assert.False(exchange.ContractViolated);
    }

    [Fact]
    public async Task A_tap_that_falls_too_far_behind_stops_being_fed_and_is_told_so()
    {
        var payload = new byte[1024 * 1024];
        new Random(7).NextBytes(payload);
        _env.Upstream.Map("GET", "/v1/overflow", async context =>
        {
            context.Status(200).Header("Content-Type", "application/octet-stream");
            for (var i = 0; i < payload.Length; i += 8192)
            {
                await context.WriteAsync(payload.AsMemory(i, 8192));
            }
        });
        using var gate = new ManualResetEventSlim(false);
        var observer = new RecordingObserver { OnBody = _ => gate.Wait(TimeSpan.FromSeconds(20)) };
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer) with { ObserverBacklogBytes = 64 * 1024 });
        using var client = _env.Client(proxy);

        var received = await client.GetByteArrayAsync("https://api.openai.com/v1/overflow");

        Assert.Equal(payload, received);
        gate.Set();
        var exchange = observer.Exchanges.Single();
        var completion = await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(completion.ObserverOverflow);
        Assert.Equal(payload.Length, completion.ResponseBytes);
        Assert.True(exchange.Body.Length < payload.Length);
        Assert.Equal(payload.AsSpan(0, exchange.Body.Length).ToArray(), exchange.Body);
        Assert.Equal(1, proxy.Statistics.Failures(ProxyFailureKind.ObserverOverflow));
    }

    [Fact]
    public async Task An_observer_that_throws_in_BeginExchange_leaves_the_client_unharmed()
    {
        _env.Upstream.Map("POST", "/v1/begin-throws", MockResponses.Json("{\"fine\":true}"));
        var observer = new RecordingObserver { OnBegin = _ => throw new InvalidOperationException("parser bug") };
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);

        using var response = await client.PostAsync("https://api.anthropic.com/v1/begin-throws", new StringContent("{}"));

        Assert.Equal("{\"fine\":true}", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, proxy.Statistics.ObserverExceptions);
        Assert.Contains(proxy.Statistics.RecentFailures, f => f.Message.Contains("BeginExchange threw InvalidOperationException: parser bug", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tap_that_throws_still_gets_its_completion_and_the_client_its_stream()
    {
        var feed = new MockChunkFeed();
        _env.Upstream.Map("POST", "/v1/tap-throws", MockResponses.Stream(feed));
        var observer = new RecordingObserver { OnBody = _ => throw new FormatException("bad json") };
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/tap-throws") { Content = new StringContent("{}") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();

        feed.Send("data: 1\n\n");
        feed.Send("data: 2\n\n");
        feed.Complete();
        using var reader = new StreamReader(stream);

        Assert.Equal("data: 1\n\ndata: 2\n\n", await reader.ReadToEndAsync());
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal("completed", exchange.Calls[^1]);
        Assert.Equal(1, exchange.Calls.Count(c => c == "body"));
        Assert.Equal(1, proxy.Statistics.ObserverExceptions);
    }

    [Fact]
    public async Task Declined_exchanges_are_forwarded_unobserved()
    {
        _env.Upstream.Map("GET", "/v1/declined", MockResponses.Json("{}"));
        var observer = new RecordingObserver { Decline = true };
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);

        Assert.Equal("{}", await client.GetStringAsync("https://api.anthropic.com/v1/declined"));
        Assert.Single(observer.Exchanges);
        Assert.Empty(observer.Exchanges[0].Calls);
    }
}
