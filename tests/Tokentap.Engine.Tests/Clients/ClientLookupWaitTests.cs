// Who waits for the client-process lookup: the upstream call and the response's first bytes do not, its last write and
// a budget scoped by project do, and the event still names the client process.
using System.Net;
using System.Text;
using Tokentap.Engine.Anomalies;
using Tokentap.Engine.Budgets;
using Tokentap.Engine.Clients;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Tests.Budgets;
using Tokentap.Engine.Tests.Providers;
using Tokentap.Engine.Tests.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Clients;

[Collection(ProxyCollection.Name)]
public sealed class ClientLookupWaitTests(ProxyTestEnvironment env)
{
    private const string Body = """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_streamed_response_reaches_the_client_while_the_lookup_is_held_its_end_waits_and_its_event_names_the_client()
    {
        var feed = new MockChunkFeed();
        env.Upstream.Map("POST", "/v1/messages", MockResponses.Stream(feed));
        try
        {
            var resolver = new HeldResolver(new ClientProcess(4242, "held-client", "/held/project"));
            var (observer, sink) = ExchangeDriver.NewObserver();
            await using var proxy = ProxyTestEnvironment.Start(env.Options(observer) with { ClientProcesses = resolver });
            using var client = env.Client(proxy);
            var before = UpstreamMessages();
            feed.Send(ExchangeDriver.Fixture("anthropic-messages.sse"));
            feed.Complete();

            using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages?beta=true") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Patience);

            // Forwarded and answered with the lookup still held: only the end of the response waits for it, so the
            // client is still there to be found.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(before + 1, UpstreamMessages());
            Assert.Equal(1, resolver.Calls);
            var body = response.Content.ReadAsStringAsync();
            await Task.Delay(300);
            Assert.False(body.IsCompleted);
            Assert.Empty(sink.Events);
            resolver.Release();
            Assert.Equal(Encoding.UTF8.GetString(ExchangeDriver.Fixture("anthropic-messages.sse")), await body.WaitAsync(Patience));
            var recorded = await SingleEventAsync(sink);
            Assert.Equal(4242, recorded.ClientProcessId);
            Assert.Equal("held-client", recorded.ClientProcessName);
            Assert.Equal("/held/project", recorded.Project);
            Assert.Equal(1007, recorded.InputTokens);
            Assert.Equal(53, recorded.OutputTokens);
        }
        finally
        {
            env.Upstream.Map("POST", "/v1/messages", MockResponses.Bytes(ExchangeDriver.Fixture("anthropic-messages.json"), "application/json"));
        }
    }

    [Fact]
    public async Task A_small_fixed_length_response_sends_its_head_while_the_lookup_is_held_and_its_body_after()
    {
        // A JSON answer of a few hundred bytes normally leaves in one write with its head; that write would complete
        // the response, so with the lookup still running the head goes alone and only the body waits.
        env.Upstream.Map("POST", "/v1/messages", MockResponses.Bytes(ExchangeDriver.Fixture("anthropic-messages.json"), "application/json"));
        var resolver = new HeldResolver(new ClientProcess(4242, "held-client", "/held/project"));
        var (observer, sink) = ExchangeDriver.NewObserver();
        await using var proxy = ProxyTestEnvironment.Start(env.Options(observer) with { ClientProcesses = resolver });
        using var client = env.Client(proxy);

        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExchangeDriver.Fixture("anthropic-messages.json").Length, response.Content.Headers.ContentLength);
        var body = response.Content.ReadAsByteArrayAsync();
        await Task.Delay(300);
        Assert.False(body.IsCompleted);
        resolver.Release();
        Assert.Equal(ExchangeDriver.Fixture("anthropic-messages.json"), await body.WaitAsync(Patience));
        Assert.Equal(4242, (await SingleEventAsync(sink)).ClientProcessId);
    }

    [Fact]
    public async Task A_spent_budget_scoped_by_project_waits_for_the_lookup_and_refuses_only_the_client_in_that_project()
    {
        env.Upstream.Map("POST", "/v1/messages", MockResponses.Bytes(ExchangeDriver.Fixture("anthropic-messages.json"), "application/json"));
        using var budgets = SpentBudget(new UsageFilter { Project = ["/held/project"] });

        var inProject = await SendWithLookupReleasedLateAsync(budgets.Monitor.Gate, new ClientProcess(4242, "held-client", "/held/project"));
        var elsewhere = await SendWithLookupReleasedLateAsync(budgets.Monitor.Gate, new ClientProcess(4343, "other-client", "/other/project"));

        Assert.Equal((HttpStatusCode.BadRequest, 0), inProject);
        Assert.Equal((HttpStatusCode.OK, 1), elsewhere);
    }

    [Fact]
    public async Task A_spent_budget_scoped_by_app_refuses_that_apps_request_without_waiting_for_the_lookup()
    {
        env.Upstream.Map("POST", "/v1/messages", MockResponses.Bytes(ExchangeDriver.Fixture("anthropic-messages.json"), "application/json"));
        using var budgets = SpentBudget(new UsageFilter { App = ["claude-code"] });
        var resolver = new HeldResolver(new ClientProcess(4242, "held-client", "/held/project"));
        var (observer, sink) = ExchangeDriver.NewObserver();
        await using var proxy = ProxyTestEnvironment.Start(env.Options(observer) with { ClientProcesses = resolver, Gates = [budgets.Monitor.Gate] });
        using var client = env.Client(proxy);
        var before = UpstreamMessages();

        // The lookup is held for the whole refusal: the answer does not wait for it.
        using var claude = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        claude.Headers.TryAddWithoutValidation("User-Agent", "claude-cli/2.1.197 (external, sdk-cli)");
        using var refused = await client.SendAsync(claude).WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(before, UpstreamMessages());
        Assert.Equal(1, resolver.Calls);
        Assert.Empty(sink.Events);

        // The tap waits for it before recording the refusal.
        resolver.Release();
        var recorded = await SingleEventAsync(sink);
        Assert.True(recorded.Blocked);
        Assert.Equal("claude-code", recorded.App);
        Assert.Equal(4242, recorded.ClientProcessId);

        using var other = await client.PostAsync("https://api.anthropic.com/v1/messages", new StringContent(Body, Encoding.UTF8, "application/json")).WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(before + 1, UpstreamMessages());
    }

    [Fact]
    public async Task With_the_gates_a_start_sets_up_and_nothing_to_refuse_a_request_is_forwarded_and_answered_while_the_lookup_is_held()
    {
        var feed = new MockChunkFeed();
        env.Upstream.Map("POST", "/v1/messages", MockResponses.Stream(feed));
        using var budgets = new BudgetHarness(DateTime.UtcNow);
        budgets.Monitor.Start(DateTime.UtcNow.AddHours(-1));
        var anomalies = new AnomalyMonitor(AnomalySettings.Default with { RetryLoopAction = AnomalyAction.Block }, prices: null, _ => { });
        var resolver = new HeldResolver(new ClientProcess(4242, "held-client", "/held/project"));
        var (observer, sink) = ExchangeDriver.NewObserver();
        await using var proxy = ProxyTestEnvironment.Start(env.Options(observer) with
        {
            ClientProcesses = resolver,
            Gates = [budgets.Monitor.Gate, new RetryLoopGate(anomalies, "anomalies.json")],
        });
        using var client = env.Client(proxy);
        var before = UpstreamMessages();
        try
        {
            feed.Send(ExchangeDriver.Fixture("anthropic-messages.sse"));
            feed.Complete();
            using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Patience);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(before + 1, UpstreamMessages());
            Assert.Equal(1, resolver.Calls);
            resolver.Release();
            await response.Content.ReadAsStringAsync().WaitAsync(Patience);
            Assert.Equal(4242, (await SingleEventAsync(sink)).ClientProcessId);
        }
        finally
        {
            env.Upstream.Map("POST", "/v1/messages", MockResponses.Bytes(ExchangeDriver.Fixture("anthropic-messages.json"), "application/json"));
        }
    }

    private int UpstreamMessages() => env.Upstream.Requests.Count(r => r.Path == "/v1/messages");

    /// <summary>A Block budget of $2 over the scope, $2.50 already spent today, enforced by a started monitor.</summary>
    private static BudgetHarness SpentBudget(UsageFilter scope)
    {
        var budgets = new BudgetHarness(DateTime.UtcNow);
        budgets.Store.Write([BudgetHarness.Event(DateTime.UtcNow, 2.50m, project: "/held/project")]);
        budgets.SetBudgets(BudgetHarness.Budget("cap", 2, action: BudgetAction.Block, scope: scope));
        budgets.Monitor.Start(DateTime.UtcNow.AddHours(-1));
        return budgets;
    }

    /// <summary>One request through a new proxy whose lookup ends 300 ms after the request reached the gate's wait.</summary>
    private async Task<(HttpStatusCode Status, int Forwarded)> SendWithLookupReleasedLateAsync(IRequestGate gate, ClientProcess found)
    {
        var resolver = new HeldResolver(found);
        await using var proxy = ProxyTestEnvironment.Start(env.Options(null) with { ClientProcesses = resolver, Gates = [gate] });
        using var client = env.Client(proxy);
        var before = UpstreamMessages();
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        var sent = client.SendAsync(request);
        for (var deadline = DateTime.UtcNow + Patience; resolver.Calls == 0 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(10);
        }

        await Task.Delay(300);
        Assert.False(sent.IsCompleted);
        Assert.Equal(before, UpstreamMessages());
        resolver.Release();
        using var response = await sent.WaitAsync(Patience);
        return (response.StatusCode, UpstreamMessages() - before);
    }

    private static async Task<UsageEvent> SingleEventAsync(CapturingSink sink)
    {
        for (var deadline = DateTime.UtcNow + Patience; sink.Events.IsEmpty && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(10);
        }

        return Assert.Single(sink.Events);
    }

    /// <summary>A resolver whose answer is held until <see cref="Release"/> (or for 20 s, then unknown).</summary>
    private sealed class HeldResolver(ClientProcess found) : IClientProcessResolver
    {
        private readonly ManualResetEventSlim _released = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ClientProcess? Resolve(IPEndPoint client, IPEndPoint proxy)
        {
            Interlocked.Increment(ref _calls);
            return _released.Wait(Patience) ? found : null;
        }

        public void Release() => _released.Set();
    }
}
