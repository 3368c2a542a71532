// Every provider wire format end to end through the real proxy: client -> Tokentap listener (CONNECT + TLS with the
// Tokentap CA) -> upstream override to an in-test HTTPS mock -> usage observer -> recorder -> LiteDB store.
using System.Net.WebSockets;
using System.Text;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Tests.Providers;
using Tokentap.Engine.Usage;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Hosting;

public sealed class RuntimeEndToEndFixture : IAsyncLifetime
{
    public string Home { get; } = Directory.CreateTempSubdirectory("tt-runtime-e2e-").FullName;

    public TestCertificateAuthority UpstreamAuthority { get; } = new("Runtime E2E Upstream Root");

    public MockUpstream Upstream { get; private set; } = null!;

    public TokentapRuntime Runtime { get; private set; } = null!;

    public ProxyListener Listener { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await MockUpstream.StartAsync(UpstreamAuthority.IssueServerCertificate(new[] { "localhost" }));
        Runtime = new TokentapRuntime(new TokentapPaths(Home), new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
        var hosts = FixtureCases.All.Select(c => c.Host).Append("api.openai.com").Distinct();
        Listener = await Runtime.StartListenerAsync(new ListenerRequest
        {
            UpstreamOverrides = hosts.ToDictionary(h => h, _ => Upstream.BaseUri),
            UpstreamCaFile = UpstreamAuthority.PemPath,
            Tags = new Tokentap.Engine.Proxy.ExchangeTags("e2e", null, "/src/demo"),
        });
        Client = TestClients.Create(new Uri(Listener.ProxyUrl), new[] { Listener.Authority.Certificate });
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Runtime.Dispose();
        await Upstream.DisposeAsync();
        UpstreamAuthority.Dispose();
        Directory.Delete(Home, recursive: true);
    }
}

public sealed class RuntimeEndToEndTests(RuntimeEndToEndFixture e2e) : IClassFixture<RuntimeEndToEndFixture>
{
    private static int s_requestId;

    [Theory]
    [MemberData(nameof(FixtureCases.Names), MemberType = typeof(FixtureCases))]
    public async Task Fixture_through_the_real_proxy_is_recorded_exactly(string name)
    {
        var fixture = FixtureCases.Get(name);
        var bytes = ExchangeDriver.Fixture(fixture.File);
        var requestId = $"req_e2e_{Interlocked.Increment(ref s_requestId)}";
        var path = fixture.PathAndQuery.Split('?')[0];
        e2e.Upstream.Map("POST", path, MockResponses.Bytes(bytes, fixture.File.EndsWith(".sse", StringComparison.Ordinal) ? "text/event-stream" : "application/json", fixture.Status, ("request-id", requestId)));

        using var response = await e2e.Client.PostAsync(
            $"https://{fixture.Host}{fixture.PathAndQuery}",
            new StringContent(fixture.RequestBody, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsByteArrayAsync();
        var matching = await PollAsync(() => e2e.Runtime.Store.Query(UsageFilter.All).Where(e => e.RequestId == requestId).ToList(), 1);

        Assert.Equal(fixture.Status, (int)response.StatusCode);
        Assert.Equal(bytes, body);
        var recorded = Assert.Single(matching);
        var expected = fixture.Expected;
        if (expected.Provider == "deepseek")
        {
            // DeepSeek bills by the UTC time of day; the hand-computed figure is for 20:00 UTC.
            expected = expected with { Cost = e2e.Runtime.Prices.Cost(recorded) };
        }

        FixtureParsingTests.AssertExpected(expected, fixture.Status, recorded);
        Assert.Equal(fixture.Host, recorded.Host);
        Assert.Equal("e2e", recorded.Session);
        Assert.Equal("/src/demo", recorded.Project);
        Assert.True(recorded.DurationMs > 0);
        Assert.NotNull(recorded.TimeToFirstByteMs);
    }

    [Fact]
    public async Task Codex_websocket_turns_through_the_real_proxy_become_one_event_each()
    {
        var turns = ExchangeDriver.WebSocketMessages("openai-responses-ws.jsonl");
        e2e.Upstream.MapWebSocket("/v1/responses", async (socket, context) =>
        {
            var buffer = new byte[64 * 1024];
            foreach (var (direction, payload) in turns)
            {
                if (direction == Tokentap.Engine.Proxy.WebSocketMessageDirection.ClientToServer)
                {
                    await ReceiveMessageAsync(socket, buffer, context.Aborted);
                }
                else
                {
                    await socket.SendAsync(payload, WebSocketMessageType.Text, true, context.Aborted);
                }
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", context.Aborted);
        });

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("originator", "codex_exec");
        socket.Options.SetRequestHeader("User-Agent", "codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm");
        socket.Options.SetRequestHeader("session-id", "ws-e2e-session");
        using var invoker = new HttpMessageInvoker(TestClients.CreateHandler(new Uri(e2e.Listener.ProxyUrl), new[] { e2e.Listener.Authority.Certificate }));
        await socket.ConnectAsync(new Uri("wss://api.openai.com/v1/responses"), invoker, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        var received = 0;
        foreach (var (direction, payload) in turns)
        {
            if (direction == Tokentap.Engine.Proxy.WebSocketMessageDirection.ClientToServer)
            {
                await socket.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            else
            {
                var length = await ReceiveMessageAsync(socket, buffer, CancellationToken.None);
                Assert.Equal(payload, buffer[..length]);
                received++;
            }
        }

        await socket.ReceiveAsync(buffer, CancellationToken.None);
        var events = await PollAsync(() => e2e.Runtime.Store.Query(new UsageFilter { App = new[] { "codex" } }, UsageOrder.OldestFirst)
            .Where(e => e.ClientSessionId == "ws-e2e-session").ToList(), 2);

        Assert.Equal(6, received);
        Assert.Equal(new[] { "resp_ws_turn_1", "resp_ws_turn_2" }, events.Select(e => e.MessageId));
        Assert.Equal((808L, 8192L, 300L, 256L), (events[0].InputTokens, events[0].CacheReadTokens, events[0].OutputTokens, events[0].ReasoningTokens));
        Assert.Equal((284L, 9216L, 120L, 64L), (events[1].InputTokens, events[1].CacheReadTokens, events[1].OutputTokens, events[1].ReasoningTokens));
        Assert.All(events, e => Assert.Equal(101, e.StatusCode));
        Assert.Equal(0.005034m, events[0].Cost);
    }

    [Fact]
    public async Task An_unknown_model_gets_a_null_cost_and_one_notice()
    {
        const string body = """{"id":"chatcmpl-unpriced","object":"chat.completion","model":"unpriced-model-zzz","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}""";
        e2e.Upstream.Map("POST", "/v1/chat/completions", MockResponses.Json(body, 200, ("x-request-id", "req_unpriced_1")));
        e2e.Runtime.DrainNotices();

        for (var i = 0; i < 2; i++)
        {
            using var response = await e2e.Client.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent("""{"model":"unpriced-model-zzz","messages":[]}""", Encoding.UTF8, "application/json"));
            await response.Content.ReadAsByteArrayAsync();
        }

        // Two exchanges, though the upstream gave both the same request id: two events, one notice.
        var recorded = await PollAsync(() => e2e.Runtime.Store.Query(new UsageFilter { Model = new[] { "unpriced-model-zzz" } }).ToList(), 2);
        var notices = e2e.Runtime.DrainNotices();

        Assert.Equal(2, recorded.Count);
        Assert.All(recorded, e => Assert.Null(e.Cost));
        Assert.All(recorded, e => Assert.Equal(10, e.InputTokens));
        Assert.Single(notices, n => n.Contains("No price known for model 'unpriced-model-zzz'", StringComparison.Ordinal));
        Assert.Contains("unpriced-model-zzz", e2e.Runtime.UnpricedModels());
        Assert.Empty(e2e.Runtime.DrainNotices());
    }

    /// <summary>One whole message: a relay may deliver a frame's payload in several reads.</summary>
    private static async Task<int> ReceiveMessageAsync(WebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            length += result.Count;
            if (result.EndOfMessage)
            {
                return length;
            }
        }
    }

    /// <summary>The tap records after the client has its last byte, so wait (with a deadline) for the commit.</summary>
    private async Task<List<UsageEvent>> PollAsync(Func<List<UsageEvent>> read, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var events = read();
            if (events.Count >= count || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(20);
            await e2e.Runtime.FlushAsync();
        }
    }
}
