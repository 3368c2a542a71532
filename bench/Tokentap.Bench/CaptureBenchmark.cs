// The "capture" scenario: what content capture costs the proxy process per call (CPU, allocations) for a small request
// and a Claude Code-size one, capture off against on, from the proxy's own counters so the figures hold on a busy machine.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Tokentap.Testing;

namespace Tokentap.Bench;

/// <summary>
/// For capture off and then on, a new tokentap-host (as Start-Tokentap runs it, -CaptureContent for on) in front of the
/// loopback upstream; after --warmup (3) seconds of mixed traffic, --requests (2,000) sequential small requests (the
/// proxy scenario's 150-byte Messages body) and --large (300) sequential requests with a <see cref="AgentRequestBody"/>
/// of --large-kb (200) KB, each set between two readings of the host's counters, after the recorder and the content
/// writer flushed (so the writer's work is inside the figure). Then --clients (32) clients of small requests for
/// --seconds (5; 0 skips) for throughput, which does depend on the machine's load (printed with it). --stages instead
/// times each stage of capturing one call in this process (<see cref="CaptureStages"/>).
/// </summary>
internal static class CaptureBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Contains("--stages"))
        {
            CaptureStages.Run(SmallBody, AgentRequestBody.Build(BenchOptions.Int(args, "--large-kb", 200) * 1024), BenchOptions.Int(args, "--iterations", 200));
            return 0;
        }

        var rows = RunAsync(args).GetAwaiter().GetResult();
        Console.WriteLine();
        foreach (var line in rows)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static async Task<List<string>> RunAsync(string[] args)
    {
        var requests = BenchOptions.Int(args, "--requests", 2000);
        var large = BenchOptions.Int(args, "--large", 300);
        var largeBody = AgentRequestBody.Build(BenchOptions.Int(args, "--large-kb", 200) * 1024);
        var seconds = BenchOptions.Int(args, "--seconds", 5);
        var clients = BenchOptions.Int(args, "--clients", 32);
        var warmup = TimeSpan.FromSeconds(BenchOptions.Int(args, "--warmup", 3));
        using var authority = new TestCertificateAuthority("Tokentap Bench Upstream Root");
        using var certificate = authority.IssueServerCertificate(["api.anthropic.com"]);
        await using var upstream = await BenchUpstream.StartAsync(certificate);
        var figures = new Dictionary<bool, (PerRequest Small, PerRequest Large, double Throughput, double ThroughputCpu)>();
        foreach (var capture in new[] { false, true })
        {
            await using var path = await TokentapPath.StartAsync(upstream.Port, authority.PemPath, captureContent: capture);
            using var client = ProxyBenchmark.CreateClient(path, upstream.Port, clients);
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < warmup)
            {
                await SendAsync(client, null);
                await SendAsync(client, largeBody);
            }

            var small = await MeasureAsync(path, client, null, requests);
            var big = await MeasureAsync(path, client, largeBody, large);
            var (throughput, cpu) = seconds > 0 ? await ThroughputAsync(path, client, clients, seconds) : (double.NaN, double.NaN);
            figures[capture] = (small, big, throughput, cpu);
            Console.WriteLine($"capture {(capture ? "on" : "off")}: small {small}; large {big}; {throughput:N0} requests/s with {clients} clients, {cpu:N3} ms CPU per request");
        }

        var (off, on) = (figures[false], figures[true]);
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        var rows = new List<string>
        {
            $"Run of {DateTime.Now:yyyy-MM-dd HH:mm} (local), {Environment.ProcessorCount} cores, load average {load} at the end; small body {SmallBody.Length} B, large body {largeBody.Length / 1024.0:N0} KB.",
            "",
            "| figure (proxy process, per call) | capture off | capture on | capture's cost |",
            "| --- | ---: | ---: | ---: |",
            Row("small request: CPU (ms)", off.Small.CpuMs, on.Small.CpuMs, "N3"),
            Row("small request: allocated (KB)", off.Small.AllocatedBytes / 1024, on.Small.AllocatedBytes / 1024, "N1"),
            Row($"large request ({largeBody.Length / 1024:N0} KB): CPU (ms)", off.Large.CpuMs, on.Large.CpuMs, "N3"),
            Row($"large request ({largeBody.Length / 1024:N0} KB): allocated (KB)", off.Large.AllocatedBytes / 1024, on.Large.AllocatedBytes / 1024, "N1"),
            Row("large request: gen0 / gen1+2 collections per 1,000", off.Large.Gen0Per1000, on.Large.Gen0Per1000, "N1") + $" ({off.Large.Gen1And2Per1000:N1} / {on.Large.Gen1And2Per1000:N1} gen1+2)",
        };
        if (seconds > 0)
        {
            rows.Add(Row($"small requests, {clients} clients: requests/s (load-dependent)", off.Throughput, on.Throughput, "N0"));
            rows.Add(Row($"small requests, {clients} clients: CPU per request (ms)", off.ThroughputCpu, on.ThroughputCpu, "N3"));
        }

        return rows;
    }

    private static string Row(string name, double off, double on, string format) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {off.ToString(format, CultureInfo.InvariantCulture)} | {on.ToString(format, CultureInfo.InvariantCulture)} | {(on >= off ? "+" : "")}{(on - off).ToString(format, CultureInfo.InvariantCulture)} |");

    // Flushed before each reading: the events stored and the content written belong to the calls between them.
    private static async Task<PerRequest> MeasureAsync(TokentapPath path, HttpClient client, byte[]? body, int count)
    {
        path.Ask("count", "EVENTS");
        var before = path.Sample();
        for (var i = 0; i < count; i++)
        {
            await SendAsync(client, body);
        }

        path.Ask("count", "EVENTS");
        return before.To(path.Sample(), count);
    }

    private static async Task<(double PerSecond, double CpuMs)> ThroughputAsync(TokentapPath path, HttpClient client, int clients, int seconds)
    {
        path.Ask("count", "EVENTS");
        var before = path.Sample();
        long completed = 0;
        var watch = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await SendAsync(client, null);
                Interlocked.Increment(ref completed);
            }
        })));
        var elapsed = watch.Elapsed.TotalSeconds;
        path.Ask("count", "EVENTS");
        return (completed / elapsed, before.To(path.Sample(), completed).CpuMs);
    }

    internal static readonly byte[] SmallBody = System.Text.Encoding.UTF8.GetBytes(
        $$"""{"model":"{{BenchUpstream.Model}}","max_tokens":1024,"messages":[{"role":"user","content":"Say how a proxy should handle a stream of server-sent events."}]}""");

    private static async Task SendAsync(HttpClient client, byte[]? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages") { Content = new ByteArrayContent(body ?? SmallBody) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-api-key", "sk-ant-bench");
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("x-bench", "small");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"request failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
