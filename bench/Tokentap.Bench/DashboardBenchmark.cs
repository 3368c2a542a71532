// The "dashboard" scenario: the web dashboard over a large store: first render of the overview and the 30-day chart,
// each API's response time, the live feed's first event, and the server's memory.
using System.Diagnostics;
using System.Net;
using Tokentap.Engine;
using Tokentap.Engine.Dashboard;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Bench;

/// <summary>
/// Fills a store with N events over D days (or reuses the usage.db in --dir), starts a <see cref="DashboardServer"/>
/// with its clock a minute before the end of the data and measures it over real HTTP on loopback, as the page calls it.
/// "First render" is what the page needs before it can draw the overview and the 30-day chart: the page, its script and
/// styles, /api/overview and /api/series, fetched in parallel by a fresh server (nothing cached). Options: --events N
/// (1,000,000), --days D (70), --dir PATH, --keep.
/// </summary>
internal static class DashboardBenchmark
{
    internal static readonly List<(string Name, string Value, string Notes)> Results = [];

    public static int Run(string[] args)
    {
        var events = BenchOptions.Int(args, "--events", 1_000_000);
        var days = BenchOptions.Int(args, "--days", 70);
        var given = BenchOptions.String(args, "--dir");
        var folder = given ?? Path.Combine(Path.GetTempPath(), "tokentap-dashboard-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var store = new UsageStore(Path.Combine(folder, "usage.db"), TimeSpan.FromSeconds(60));
            if (store.GetLastPosition() == 0)
            {
                Console.WriteLine($"dashboard benchmark: filling {folder} with {events:N0} events over {days} days");
                BenchEvents.Fill(store, events, days);
            }

            var stored = store.Count(UsageFilter.All);
            Console.WriteLine($"dashboard benchmark: {stored:N0} events");
            var now = BenchEvents.Start.AddDays(days).AddMinutes(-1);
            Measure(store, new TokentapPaths(folder), now, stored).GetAwaiter().GetResult();
        }
        finally
        {
            if (given is null && !args.Contains("--keep"))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        BenchOptions.WriteTable(Results);

        return 0;
    }

    private static async Task Measure(UsageStore store, TokentapPaths paths, DateTime now, long stored)
    {
        var prices = PriceTable.Embedded();
        var clock = new FixedClock(now);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var rssBefore = ProcessMeter.Rss(Environment.ProcessId);

        // A fresh server per first render, so no run profits from the previous one's warm state.
        var firstRenders = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            using var server = new DashboardServer(store, prices, paths, budgets: null, port: 0, clock);
            server.Start();
            using var http = Client(server);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(
                Get(http, "/"), Get(http, "/app.js"), Get(http, "/app.css"),
                Get(http, "/api/overview?tz=UTC"), Get(http, "/api/series?tz=UTC&range=30d&step=day&by=model"));
            firstRenders.Add(watch.Elapsed.TotalMilliseconds);
        }

        Report("First render: page, script, styles, overview and 30-day chart (parallel, fresh server)",
            $"{firstRenders[0]:N0} ms first, {firstRenders.Skip(1).Min():N0} ms best of next 2", $"{stored:N0} events in the store; target < 500 ms");

        using var dashboard = new DashboardServer(store, prices, paths, budgets: null, port: 0, clock);
        dashboard.Start();
        using var client = Client(dashboard);
        foreach (var (name, target) in new[]
        {
            ("/api/overview (today, 7 and 30 days)", "/api/overview?tz=UTC"),
            ("/api/series 30 days per day by model", "/api/series?tz=UTC&range=30d&step=day&by=model"),
            ("/api/series 7 days per hour by app", "/api/series?tz=UTC&range=7d&step=hour&by=app"),
            ("/api/series 90 days per day by project", "/api/series?tz=UTC&range=90d&step=day&by=project"),
            ("/api/series 30 days, app = codex", "/api/series?tz=UTC&range=30d&step=day&by=model&app=codex"),
            ("/api/sessions 30 days", "/api/sessions?tz=UTC&range=30d"),
            ("/api/models 30 days", "/api/models?tz=UTC&range=30d"),
            ("/api/requests newest 200", "/api/requests?tz=UTC&range=30d&limit=200"),
        })
        {
            var times = new List<double>();
            var bytes = 0;
            for (var i = 0; i < 10; i++)
            {
                var watch = Stopwatch.StartNew();
                bytes = (await Get(client, target)).Length;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Report(name, $"median {times[5]:N1} ms, fastest {times[0]:N1} ms", $"10 calls; {bytes:N0} bytes");
        }

        var feed = Stopwatch.StartNew();
        using (var stream = await client.GetStreamAsync("/api/live?tz=UTC"))
        using (var reader = new StreamReader(stream))
        {
            while (await reader.ReadLineAsync() is { } line && !line.StartsWith("event: recent", StringComparison.Ordinal))
            {
            }
        }

        Report("/api/live until the first event (the 50 newest requests)", $"{feed.Elapsed.TotalMilliseconds:N1} ms", "server-sent events");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Report("Server memory: managed heap a running dashboard keeps after the runs above", $"{(heapAfter - heapBefore) / 1024.0 / 1024:N1} MB",
            $"process RSS {ProcessMeter.Rss(Environment.ProcessId) / 1024 / 1024:N0} MB then, store and its cache included ({rssBefore / 1024 / 1024:N0} MB before the dashboard started)");
    }

    private static HttpClient Client(DashboardServer server)
    {
        var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        client.DefaultRequestHeaders.Add("Cookie", $"tokentap_dashboard_{server.Port}={server.Token}");
        return client;
    }

    private static async Task<byte[]> Get(HttpClient client, string target)
    {
        using var response = await client.GetAsync(target);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{target}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadAsByteArrayAsync();
    }

    private static void Report(string name, string value, string notes)
    {
        Console.WriteLine($"{name}: {value} ({notes})");
        Results.Add((name, value, notes));
    }

    private sealed class FixedClock(DateTime utcNow) : TimeProvider
    {
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

        public override DateTimeOffset GetUtcNow() => new(utcNow, TimeSpan.Zero);
    }
}
