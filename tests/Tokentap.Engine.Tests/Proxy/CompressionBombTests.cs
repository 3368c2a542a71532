// Parallel compression bombs through the real proxy: clients get the exact bytes, parser memory stays capped and is given back.
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Tests.Providers;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyMemoryCollection.Name)]
public sealed class CompressionBombTests
{
    private const int Parallel = 12;
    private const long WarmUpBytes = 1L * 1024 * 1024;
    private const long BombBytes = 256L * 1024 * 1024;
    private const long AllowedManagedGrowth = 32L * 1024 * 1024;
    private const string SizeLimitError = "an SSE event exceeded the size limit and was skipped";
    private const string BudgetError = "an SSE event was skipped: Tokentap's shared memory budget for decoded responses was in use by other responses";

    private readonly ProxyTestEnvironment _env;

    public CompressionBombTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Twelve_parallel_gzip_and_brotli_bombs_reach_clients_intact_are_recorded_and_leave_no_memory_behind()
    {
        var bodies = new Dictionary<string, byte[]>
        {
            ["gzip small"] = BombRound.Compress("gzip", WarmUpBytes),
            ["br small"] = BombRound.Compress("br", WarmUpBytes),
            ["gzip bomb"] = BombRound.Compress("gzip", BombBytes),
            ["br bomb"] = BombRound.Compress("br", BombBytes),
        };
        _env.Upstream.Map("POST", "/v1/messages", context =>
        {
            var encoding = context.Request.Header("X-Encoding")!;
            var body = bodies[encoding + " " + context.Request.Header("X-Size")];
            return MockResponses.Bytes(body, "text/event-stream", 200, ("Content-Encoding", encoding))(context);
        });
        var sink = new CapturingSink();
        var observer = new UsageObserver(ExchangeDriver.Prices, sink);
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        using var client = _env.Client(proxy);

        // A first round of small compressed bodies warms up TLS, sockets and pools, so the baseline is the steady state.
        await RunRoundAsync(client, bodies, "small", sink, Parallel);
        var refusalsBefore = DecodedBodyBudget.Shared.Refusals;
        var before = ManagedBytesAfterFullCollection();

        await RunRoundAsync(client, bodies, "bomb", sink, 2 * Parallel);
        var after = ManagedBytesAfterFullCollection();

        var bombs = sink.Events.Skip(Parallel).ToList();
        Assert.Equal(Parallel, bombs.Count);
        Assert.All(bombs, e =>
        {
            Assert.Equal(200, e.StatusCode);
            Assert.Contains(e.Error, new[] { SizeLimitError, BudgetError });
        });

        // Each bomb's line grows to the 64 MiB payload limit unless the shared budget refuses it first.
        var budget = proxy.Statistics.DecodeBudget;
        Assert.Equal(DecodedBodyBudget.DefaultLimitBytes, budget.LimitBytes);
        Assert.InRange(budget.PeakBytes, 64L * 1024 * 1024, budget.LimitBytes);
        Assert.Equal(0, budget.HeldBytes);
        Assert.Equal(budget.Refusals > refusalsBefore, bombs.Any(e => e.Error == BudgetError));
        Assert.True(after - before < AllowedManagedGrowth, $"managed memory grew by {(after - before) / (1024 * 1024)} MiB ({before} -> {after} bytes)");
    }

    private static async Task RunRoundAsync(HttpClient client, Dictionary<string, byte[]> bodies, string size, CapturingSink sink, int eventsAfter)
    {
        await BombRound.RunAsync(client, bodies, size, Parallel);

        // The clients are done long before the taps have decoded their bodies; wait for every event.
        await WaitForEventsAsync(sink, eventsAfter).WaitAsync(TimeSpan.FromMinutes(2));
    }

    private static async Task WaitForEventsAsync(CapturingSink sink, int count)
    {
        while (sink.Events.Count < count)
        {
            await Task.Delay(50);
        }
    }


    private static long ManagedBytesAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
