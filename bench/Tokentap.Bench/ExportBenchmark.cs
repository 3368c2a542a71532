// The "export" scenario: what the OTLP export adds to proxied requests, and how fast it drains a backlog.
using System.Diagnostics;
using System.Text;
using Tokentap.Engine;
using Tokentap.Engine.Export;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Usage;
using Tokentap.Testing;

namespace Tokentap.Bench;

/// <summary>
/// 1. Latency: a proxy (in this process, as in pwsh) in front of the loopback upstream, small Messages requests one
/// after another through the origin-form route, in rounds that alternate export off and on (the exporter sending each
/// new event to a loopback OTLP sink while the requests run); p50 and p99 per mode. 2. Throughput: a store holding a
/// backlog of events and an exporter sending it all to the sink; events per second. Options: --rounds N (6),
/// --requests N per round (1,000), --events N (backlog, 100,000).
/// </summary>
internal static class ExportBenchmark
{
    public static int Run(string[] args)
    {
        var rounds = BenchOptions.Int(args, "--rounds", 6);
        var requests = BenchOptions.Int(args, "--requests", 1_000);
        var events = BenchOptions.Int(args, "--events", 100_000);
        var results = new List<(string Name, string Value, string Notes)>();
        using var sink = new OtlpSink();
        var (off, on, exported) = LatencyAsync(sink, rounds, requests).GetAwaiter().GetResult();
        results.Add(("Small request, export off", $"p50 {Percentile(off, 50):N3} ms, p99 {Percentile(off, 99):N3} ms", $"{off.Count:N0} requests through the proxy"));
        results.Add(("Small request, export on", $"p50 {Percentile(on, 50):N3} ms, p99 {Percentile(on, 99):N3} ms", $"{on.Count:N0} requests; {exported:N0} events exported meanwhile"));
        var (seconds, sent) = Throughput(sink, events);
        results.Add(($"Export of a {events:N0}-event backlog", $"{sent / seconds:N0} events/s", $"{seconds:N1} s; one OTLP log record per request, position saved every 200"));
        foreach (var line in BenchOptions.Table(results))
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static async Task<(List<double> Off, List<double> On, long Exported)> LatencyAsync(OtlpSink sink, int rounds, int requests)
    {
        using var authority = new TestCertificateAuthority("Tokentap Bench Upstream Root");
        using var certificate = authority.IssueServerCertificate(["api.anthropic.com"]);
        await using var upstream = await BenchUpstream.StartAsync(certificate);
        var folder = Directory.CreateTempSubdirectory("tokentap-export-bench-").FullName;
        var off = new List<double>();
        var on = new List<double>();
        long exported;
        try
        {
            var paths = new TokentapPaths(folder);
            var settings = new ExportSettings { Enabled = false, Endpoint = sink.Endpoint, User = TokentapExportUser.Off };
            settings.Save(paths);
            using var runtime = new TokentapRuntime(paths);
            var listener = await runtime.StartListenerAsync(new ListenerRequest
            {
                Port = 0,
                UpstreamOverrides = new Dictionary<string, Uri> { ["api.anthropic.com"] = new Uri("https://127.0.0.1:" + upstream.Port) },
                UpstreamCaFile = authority.PemPath,
                Tags = new Engine.Proxy.ExchangeTags("bench", "bench", "bench"),
            });
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listener.Port}/anthropic/") };

            // Warm-up with export on, so both the proxy and the exporter's first session are past their JIT.
            Toggle(paths, settings, enabled: true);
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed < TimeSpan.FromSeconds(3))
            {
                await SendAsync(client);
            }

            for (var round = 0; round < rounds; round++)
            {
                var enabled = round % 2 == 1;
                Toggle(paths, settings, enabled);
                await Task.Delay(1500);
                var samples = enabled ? on : off;
                for (var i = 0; i < requests; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await SendAsync(client);
                    samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }

            exported = runtime.Exporter?.Status.Exported ?? 0;
            await listener.StopAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return (off, on, exported);
    }

    private static (double Seconds, long Sent) Throughput(OtlpSink sink, int events)
    {
        var folder = Directory.CreateTempSubdirectory("tokentap-export-bench-").FullName;
        try
        {
            var paths = new TokentapPaths(folder);
            using var store = new UsageStore(paths.DatabasePath);
            BenchEvents.Fill(store, events, days: 30);
            var last = store.GetLastPosition();
            new ExportSettings { Enabled = true, Endpoint = sink.Endpoint, User = TokentapExportUser.Off }.Save(paths);
            var watch = Stopwatch.StartNew();
            using var worker = new ExportWorker(paths, store, new ExportWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
            while (worker.Status.Position != last)
            {
                Thread.Sleep(20);
            }

            watch.Stop();
            return (watch.Elapsed.TotalSeconds, worker.Status.Exported);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The exporter reads export.json again when its time changes, within its poll interval (the round waits longer).
    private static void Toggle(TokentapPaths paths, ExportSettings settings, bool enabled) => (settings with { Enabled = enabled }).Save(paths);

    private static async Task SendAsync(HttpClient client)
    {
        using var content = new StringContent(
            $$"""{"model":"{{BenchUpstream.Model}}","max_tokens":1024,"messages":[{"role":"user","content":"Say how a proxy should handle a stream of server-sent events."}]}""",
            Encoding.UTF8,
            "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = content };
        request.Headers.Add("x-api-key", "sk-ant-bench");
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("x-bench", "small");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }

    private static double Percentile(List<double> samples, double percent)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
