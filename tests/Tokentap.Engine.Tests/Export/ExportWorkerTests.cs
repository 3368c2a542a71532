// The exporter against a real OTLP receiver (the Aspire Dashboard): records equal the store's events, nothing lost offline.
using System.Globalization;
using Tokentap.Engine.Export;
using Tokentap.Engine.Tests.Usage;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Export;

// OpenTelemetry's MeterProvider listens to every meter of its name in the process: two exporters at once would each
// count the other's metrics, so the tests that run one never overlap.
[Collection("OTLP exporters")]
public sealed class ExportWorkerTests
{
    private static readonly ExportWorkerOptions Fast = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(200),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
        PageSize = 30,
    };

    [Fact]
    public async Task Every_stored_event_arrives_once_as_a_log_record_with_the_stores_numbers()
    {
        using var temp = new TempStore();
        using var dashboard = new AspireDashboard();
        await dashboard.StartAsync();
        var paths = new TokentapPaths(temp.Folder);
        temp.Store.Write(SampleEvents.All);
        new ExportSettings { Enabled = true, Endpoint = dashboard.OtlpEndpoint, User = TokentapExportUser.Hashed }.Save(paths);

        using (var worker = new ExportWorker(paths, temp.Store, Fast))
        {
            var records = await PollAsync(dashboard, 8);
            var stored = temp.Store.Query(UsageFilter.All).ToDictionary(e => e.Id.ToString("N"));
            Assert.Equal(8, records.Count);
            Assert.Equal(stored.Keys.Order(), records.Select(r => r["tokentap.event.id"]).Order());
            foreach (var record in records)
            {
                var e = stored[record["tokentap.event.id"]];
                Assert.Equal(e.Provider, record["gen_ai.provider.name"]);
                Assert.Equal(e.ContextTokens.ToString(CultureInfo.InvariantCulture), record["gen_ai.usage.input_tokens"]);
                Assert.Equal(e.OutputTokens.ToString(CultureInfo.InvariantCulture), record["gen_ai.usage.output_tokens"]);
                Assert.Equal(e.CacheReadTokens.ToString(CultureInfo.InvariantCulture), record["gen_ai.usage.cache_read.input_tokens"]);
                Assert.Equal(e.CacheWriteTokens.ToString(CultureInfo.InvariantCulture), record["gen_ai.usage.cache_creation.input_tokens"]);
                Assert.Equal(e.Model, record.GetValueOrDefault("gen_ai.response.model"));
                Assert.Equal(e.App, record["tokentap.app"]);
                Assert.Equal(e.Session, record.GetValueOrDefault("tokentap.session"));
                Assert.Equal(e.Project, record.GetValueOrDefault("tokentap.project"));
                Assert.Equal(e.IsSuccess ? "ok" : "error", record["tokentap.status"]);
                Assert.Equal(e.Cost, record.TryGetValue("tokentap.cost.usd", out var cost) ? decimal.Parse(cost, CultureInfo.InvariantCulture) : null);
                Assert.Equal(e.DurationMs, double.Parse(record["tokentap.duration_ms"], CultureInfo.InvariantCulture));
            }

            // Sample E1: 100 uncached + 1000 cache read + 200 cache write = 1300 prompt tokens, 50 out, $0.010.
            var e1 = records.Single(r => r["tokentap.event.id"] == SampleEvents.E1.Id.ToString("N"));
            Assert.Equal("1300", e1["gen_ai.usage.input_tokens"]);
            Assert.Equal("50", e1["gen_ai.usage.output_tokens"]);
            Assert.Equal(0.010m, decimal.Parse(e1["tokentap.cost.usd"], CultureInfo.InvariantCulture));
            await WaitAsync(() => worker.Status.Position == temp.Store.GetLastPosition());
            Assert.Equal(8, worker.Status.Exported);
            Assert.Null(worker.Status.LastError);
        }

        Assert.Equal(temp.Store.GetLastPosition(), ExportPosition.Load(paths));

        // The sender is named tokentap, and stopping exported its metrics one last time.
        using var resources = System.Text.Json.JsonDocument.Parse(await dashboard.ResourcesJsonAsync());
        var resource = Assert.Single(resources.RootElement.EnumerateArray());
        Assert.Equal("tokentap", resource.GetProperty("name").GetString());
        Assert.True(resource.GetProperty("hasMetrics").GetBoolean());
    }

    [Fact]
    public async Task Events_stored_while_the_receiver_is_down_all_arrive_once_when_it_is_back()
    {
        using var temp = new TempStore();
        using var dashboard = new AspireDashboard();
        var paths = new TokentapPaths(temp.Folder);
        new ExportSettings { Enabled = true, Endpoint = dashboard.OtlpEndpoint, User = TokentapExportUser.Off }.Save(paths);
        var events = Enumerable.Range(1, 100).Select(MakeEvent).ToList();

        using var worker = new ExportWorker(paths, temp.Store, Fast);
        foreach (var chunk in events.Chunk(10))
        {
            temp.Store.Write(chunk);
        }

        await WaitAsync(() => worker.Status.LastError is not null);
        Assert.Equal(0, worker.Status.Position);
        Assert.Equal(0, worker.Status.Exported);
        Assert.Contains(dashboard.OtlpEndpoint, worker.Status.LastError);

        await dashboard.StartAsync();
        var records = await PollAsync(dashboard, 100);
        await WaitAsync(() => worker.Status.Position == temp.Store.GetLastPosition());
        await Task.Delay(500);
        records = await dashboard.LogRecordsAsync();

        Assert.Equal(100, records.Count);
        Assert.Equal(events.Select(e => e.Id.ToString("N")).Order(), records.Select(r => r["tokentap.event.id"]).Order());
        Assert.Equal(events.Sum(e => e.OutputTokens), records.Sum(r => long.Parse(r["gen_ai.usage.output_tokens"], CultureInfo.InvariantCulture)));
        Assert.Equal(100, worker.Status.Exported);
    }

    [Fact]
    public async Task Over_grpc_every_stored_event_arrives_once()
    {
        using var temp = new TempStore();
        using var dashboard = new AspireDashboard();
        await dashboard.StartAsync();
        var paths = new TokentapPaths(temp.Folder);
        temp.Store.Write(SampleEvents.All);
        new ExportSettings { Enabled = true, Endpoint = dashboard.OtlpGrpcEndpoint, Protocol = ExportSettings.Grpc, User = TokentapExportUser.Off }.Save(paths);

        using var worker = new ExportWorker(paths, temp.Store, Fast);
        var records = await PollAsync(dashboard, 8);
        await WaitAsync(() => worker.Status.Position == temp.Store.GetLastPosition());

        Assert.Equal(SampleEvents.All.Select(e => e.Id.ToString("N")).Order(), records.Select(r => r["tokentap.event.id"]).Order());
        Assert.Equal("5020", records.Single(r => r["tokentap.event.id"] == SampleEvents.E7.Id.ToString("N"))["gen_ai.usage.input_tokens"]);
        Assert.Equal(8, worker.Status.Exported);
        Assert.Null(worker.Status.LastError);
    }

    [Fact]
    public async Task Export_turned_off_sends_nothing_and_keeps_the_position()
    {
        using var temp = new TempStore();
        using var dashboard = new AspireDashboard();
        await dashboard.StartAsync();
        var paths = new TokentapPaths(temp.Folder);
        new ExportSettings { Enabled = false, Endpoint = dashboard.OtlpEndpoint }.Save(paths);
        temp.Store.Write(SampleEvents.All);

        using (var worker = new ExportWorker(paths, temp.Store, Fast))
        {
            await Task.Delay(1500);
            Assert.Equal(0, worker.Status.Exported);
        }

        Assert.Empty(await dashboard.LogRecordsAsync());
        Assert.Equal(0, ExportPosition.Load(paths));
    }

    private static UsageEvent MakeEvent(int n) => new(new Guid(1000 + n, 0, 0, new byte[8]))
    {
        Timestamp = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc).AddSeconds(n),
        Provider = "anthropic",
        Host = "api.anthropic.com",
        Endpoint = "messages",
        Model = "claude-sonnet-4-5",
        InputTokens = n,
        OutputTokens = 10 + n,
        Cost = 0.001m * n,
        StatusCode = 200,
        DurationMs = 100,
        App = "claude-code",
        RequestId = "offline-" + n,
    };

    private static async Task<List<Dictionary<string, string>>> PollAsync(AspireDashboard dashboard, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        List<Dictionary<string, string>> records;
        do
        {
            records = await dashboard.LogRecordsAsync();
            if (records.Count >= count)
            {
                return records;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        return records;
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(condition());
    }
}
