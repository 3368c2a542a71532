// The exported metrics against the store: token usage per type, cost, requests and errors, decoded from OTLP/protobuf.
using Tokentap.Engine.Export;
using Tokentap.Engine.Tests.Usage;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Export;

// OpenTelemetry's MeterProvider listens to every meter of its name in the process: two exporters at once would each
// count the other's metrics, so the tests that run one never overlap.
[Collection("OTLP exporters")]
public sealed class ExportMetricsTests
{
    private static readonly ExportWorkerOptions Fast = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(200),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
        PageSize = 3,
        MetricInterval = TimeSpan.FromMilliseconds(300),
    };

    [Fact]
    public async Task Metric_totals_equal_the_stores_totals()
    {
        using var temp = new TempStore();
        using var receiver = new OtlpTestReceiver();
        var paths = new TokentapPaths(temp.Folder);
        temp.Store.Write(SampleEvents.All);
        new ExportSettings { Enabled = true, Endpoint = receiver.Endpoint, User = TokentapExportUser.Off }.Save(paths);

        using (var worker = new ExportWorker(paths, temp.Store, Fast))
        {
            await WaitAsync(() => worker.Status.Position == temp.Store.GetLastPosition() && receiver.MetricRequests > 0);
        }

        var stored = temp.Store.Query(UsageFilter.All).ToList();
        var points = receiver.Points;
        Assert.Equal(8, receiver.LogRecords);

        // The samples: prompts 1300+10+400+40+500+0+5020+1, of which cache read 1000+100+5000 and cache write 200.
        Assert.Equal(7271, TokenSum(points, "input"));
        Assert.Equal(656, TokenSum(points, "output"));
        Assert.Equal(6100, TokenSum(points, "cache_read"));
        Assert.Equal(200, TokenSum(points, "cache_creation"));
        Assert.Equal(stored.Sum(e => e.ContextTokens), TokenSum(points, "input"));
        Assert.Equal(stored.Sum(e => e.OutputTokens), TokenSum(points, "output"));
        Assert.Equal(stored.Sum(e => e.CacheReadTokens), TokenSum(points, "cache_read"));
        Assert.Equal(stored.Sum(e => e.CacheWriteTokens), TokenSum(points, "cache_creation"));
        foreach (var type in new[] { "input", "output", "cache_read", "cache_creation" })
        {
            Assert.Equal(8UL, Histogram(points, type).Aggregate(0UL, (sum, p) => sum + p.Count));
        }

        Assert.Equal(0.084m, Math.Round((decimal)Sum(points, "tokentap.cost"), 9));
        Assert.Equal(stored.Sum(e => e.Cost ?? 0), Math.Round((decimal)Sum(points, "tokentap.cost"), 9));
        Assert.Equal(8, Sum(points, "tokentap.requests"));
        Assert.Equal(2, Sum(points, "tokentap.errors"));
        Assert.Equal(stored.Count(e => !e.IsSuccess), Sum(points, "tokentap.errors"));

        // Split by the low-cardinality dimensions: Claude Code's Sonnet calls are E1 and E7.
        var sonnet = Histogram(points, "output").Single(p => p.Attributes["gen_ai.response.model"] == "claude-sonnet-4-5" && p.Attributes["tokentap.app"] == "claude-code");
        Assert.Equal(120, sonnet.Value);
        Assert.Equal(2UL, sonnet.Count);
        Assert.Equal("anthropic", sonnet.Attributes["gen_ai.provider.name"]);
        Assert.Equal("/p/a", sonnet.Attributes["tokentap.project"]);
    }

    private static IEnumerable<OtlpTestReceiver.MetricPoint> Histogram(IEnumerable<OtlpTestReceiver.MetricPoint> points, string tokenType) =>
        points.Where(p => p.Metric == "gen_ai.client.token.usage" && p.Attributes["gen_ai.token.type"] == tokenType);

    private static double TokenSum(IEnumerable<OtlpTestReceiver.MetricPoint> points, string tokenType) => Histogram(points, tokenType).Sum(p => p.Value);

    private static double Sum(IEnumerable<OtlpTestReceiver.MetricPoint> points, string metric) => points.Where(p => p.Metric == metric).Sum(p => p.Value);

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
