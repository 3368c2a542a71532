// The "profile" scenario: cold figures (a new proxy process per run) and load-independent figures of the warm proxy
// (allocations, CPU, thread-pool work and collections per request; the cause of the slowest requests).
using System.Diagnostics;
using System.Globalization;
using Tokentap.Testing;

namespace Tokentap.Bench;

/// <summary>
/// Cold: --runs N (5) new Tokentap host processes (CA present, as in a user's next shell), each met by a new client:
/// the first streamed response's first byte, then the first --cold-requests (400) small requests, against a new direct
/// client doing the same. Warm: one host with its runtime meter on, --warmup (3) s of warm-up, then --requests (2,000) sequential
/// small requests with the proxy's counters read before and after, and --seconds (5) of --clients (32) clients.
/// Figures per request (allocated bytes, CPU, thread-pool work items, collections) do not depend on how busy the
/// machine is; the slowest 1 % of the sequential requests are matched with the GC pauses of the proxy and of this
/// process (the client and the upstream). --allocations adds the types that allocate most (AllocationTick samples).
/// </summary>
internal static class ProfileBenchmark
{
    internal static readonly List<(string Name, string Value, string Notes)> Results = [];

    /// <summary>Cold added latency p50 and first byte added (medians over the runs), for the compare table.</summary>
    internal static (double AddedP50, double FirstByteAdded, double StartupMs, int Assemblies)? Cold { get; private set; }

    /// <summary>First byte added on a new client connection after the cold requests (median over the runs).</summary>
    internal static double? LaterConnectionFirstByteAdded { get; private set; }

    /// <summary>Proxy CPU (ms) of the cold runs: start with warm-up, the first stream, each later request.</summary>
    internal static (double Start, double FirstStream, double PerRequest)? ColdCpu { get; private set; }

    /// <summary>The warm figures per request, sequential and with 32 clients.</summary>
    internal static (PerRequest Sequential, PerRequest Parallel)? Warm { get; private set; }

    /// <summary>Warm p99 and p99.9 added above direct's (ms) and what the slowest requests overlapped.</summary>
    internal static (double P99, double P999, string Causes)? Tail { get; private set; }

    /// <summary>Seconds of sequential traffic before the warm figures are taken (--warmup, 3).</summary>
    private static int WarmUpSeconds { get; set; } = 3;

    public static int Run(string[] args)
    {
        RunAsync(args).GetAwaiter().GetResult();
        foreach (var (name, value, notes) in Results)
        {
            Console.WriteLine($"{name}: {value} ({notes})");
        }

        return 0;
    }

    public static async Task RunAsync(string[] args)
    {
        Results.Clear();
        using var authority = new TestCertificateAuthority("Tokentap Bench Upstream Root");
        using var certificate = authority.IssueServerCertificate(["api.anthropic.com"]);
        await using var upstream = await BenchUpstream.StartAsync(certificate);
        RuntimeMeter.Listen(allocations: false);
        await ColdAsync(authority, upstream.Port, BenchOptions.Int(args, "--runs", 5), BenchOptions.Int(args, "--cold-requests", 400));
        await WarmAsync(authority, upstream.Port, args);
    }

    private static async Task ColdAsync(TestCertificateAuthority authority, int upstreamPort, int runs, int requests)
    {
        var home = Path.Combine(Path.GetTempPath(), "tokentap-bench-cold-proxy-" + Guid.NewGuid().ToString("N"));
        var added = new List<double>();
        var firstBytes = new List<double>();
        var laterConnections = new List<double>();
        var startups = new List<double>();
        var startCpu = new List<double>();
        var firstCpu = new List<double>();
        var restCpu = new List<double>();
        var firstJit = new List<double>();
        var firstJitMs = new List<double>();
        var assemblies = 0;
        try
        {
            // The first host creates the CA and the store; the measured runs find them, as every later shell does.
            await using (var first = await TokentapPath.StartAsync(upstreamPort, authority.PemPath, home: home))
            {
                first.KeepHome = true;
            }

            // The bench's own first TLS client and stream code are cold too: one discarded direct round first, so the first
            // run's direct figures are the wire's, not this process's JIT (they were 127 to 224 ms, against 6 to 12 later).
            await FirstRequestsAsync(new DirectPath(upstreamPort) { ClientRoot = authority.Certificate }, upstreamPort, requests);
            for (var run = 0; run < runs; run++)
            {
                var direct = await FirstRequestsAsync(new DirectPath(upstreamPort) { ClientRoot = authority.Certificate }, upstreamPort, requests);
                var path = await TokentapPath.StartAsync(upstreamPort, authority.PemPath, home: home);
                path.KeepHome = true;
                await using (path)
                {
                    // Wait out the background warm-up, so the CPU figures below separate start, first stream and the rest.
                    path.Ask("warm", "WARMED");
                    var started = path.Sample();
                    var proxied = await FirstRequestsAsync(path, upstreamPort, requests, () =>
                    {
                        var after = path.Sample();
                        firstCpu.Add(after["cpuMs"] - started["cpuMs"]);
                        firstJit.Add(after["jitMethods"] - started["jitMethods"]);
                        firstJitMs.Add(after["jitMs"] - started["jitMs"]);
                    });
                    startCpu.Add(started["cpuMs"]);
                    restCpu.Add((path.Sample()["cpuMs"] - started["cpuMs"] - firstCpu[^1]) / requests);
                    added.Add(proxied.P50 - direct.P50);
                    firstBytes.Add(proxied.FirstByte - direct.FirstByte);
                    laterConnections.Add(proxied.LaterConnectionFirstByte - direct.LaterConnectionFirstByte);
                    startups.Add(path.StartupMs);
                    assemblies = path.StartupAssemblies;
                    Console.WriteLine($"  cold run {run + 1}: started in {path.StartupMs:N0} ms ({path.StartupAssemblies} assemblies, {startCpu[^1]:N0} ms CPU with the warm-up), first stream {firstCpu[^1]:N1} ms CPU ({firstJit[^1]:N0} methods compiled in {firstJitMs[^1]:N0} ms), then {restCpu[^1]:N3} ms CPU per request; first byte {proxied.FirstByte:N2} ms (direct {direct.FirstByte:N2}), on a new connection after the requests {proxied.LaterConnectionFirstByte:N2} ms (direct {direct.LaterConnectionFirstByte:N2}), p50 of the first {requests} {proxied.P50:N3} ms (direct {direct.P50:N3})");
                }
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }

        Cold = (Median(added), Median(firstBytes), Median(startups), assemblies);
        LaterConnectionFirstByteAdded = Median(laterConnections);
        Results.Add(($"Added latency p50, cold (first {requests} requests of a new proxy process)", $"{Median(added):N3} ms", $"median of {runs} runs, range {added.Min():N3} to {added.Max():N3}"));
        Results.Add(("First streamed response of a new proxy process: first byte added", $"{Median(firstBytes):N2} ms", $"includes the CONNECT and both TLS handshakes; range {firstBytes.Min():N2} to {firstBytes.Max():N2}"));
        Results.Add(("A new client connection after those requests: first byte added", $"{Median(laterConnections):N2} ms", $"the CONNECT and the client's TLS handshake with the proxy, whose upstream connection is pooled by then, against direct's new TCP and TLS connection; range {laterConnections.Min():N2} to {laterConnections.Max():N2}"));
        Results.Add(("Proxy host: process start to listening", $"{Median(startups):N0} ms", $"{assemblies} assemblies loaded when listening (the bench host, not pwsh)"));
        Results.Add(("Proxy CPU, cold: start (with warm-up) / first stream / each of the next requests", $"{Median(startCpu):N0} / {Median(firstCpu):N1} / {Median(restCpu):N3} ms", "load-independent; medians over the runs"));
        Results.Add(("Proxy JIT during the first stream of a new process", $"{Median(firstJit):N0} methods, {Median(firstJitMs):N0} ms", "methods compiled, tier-1 recompilations included, so it moves with timing (System.Runtime.JitInfo)"));
        ColdCpu = (Median(startCpu), Median(firstCpu), Median(restCpu));
    }

    private static async Task<(double FirstByte, double P50, double LaterConnectionFirstByte)> FirstRequestsAsync(BenchPath path, int upstreamPort, int requests, Action? afterFirst = null)
    {
        using var client = ProxyBenchmark.CreateClient(path, upstreamPort, 1);
        var figures = new PathFigures { Name = path.Name };
        await ProxyBenchmark.StreamAsync(client, "first", figures);
        afterFirst?.Invoke();
        var latencies = new double[requests];
        for (var i = 0; i < latencies.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await ProxyBenchmark.SendSmallAsync(client);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        // Then one stream on a new connection of a new client: for the proxy, a CONNECT and a TLS handshake with it while
        // its own connection to the upstream is pooled, which separates that connection's cost from the first stream's.
        using var later = ProxyBenchmark.CreateClient(path, upstreamPort, 1);
        var laterFigures = new PathFigures { Name = path.Name };
        await ProxyBenchmark.StreamAsync(later, "first", laterFigures);
        return (figures.FirstBytes[0], Distribution.Of(latencies).P50, laterFigures.FirstBytes[0]);
    }

    private static async Task WarmAsync(TestCertificateAuthority authority, int upstreamPort, string[] args)
    {
        var requests = BenchOptions.Int(args, "--requests", 2000);
        WarmUpSeconds = BenchOptions.Int(args, "--warmup", 3);
        var seconds = BenchOptions.Int(args, "--seconds", 5);
        var clients = BenchOptions.Int(args, "--clients", 32);
        var allocations = args.Contains("--allocations");
        var direct = new DirectPath(upstreamPort) { ClientRoot = authority.Certificate };
        var directTimes = await SequentialAsync(direct, upstreamPort, requests, proxy: null);
        await using var path = await TokentapPath.StartAsync(upstreamPort, authority.PemPath, allocations ? "alloc" : "gc");
        var proxied = await SequentialAsync(path, upstreamPort, requests, path);
        var sequential = proxied.PerRequest!;
        var proxyPauses = ParsePauses(path.Ask("pauses", "PAUSES"));
        var ownPauses = ParsePauses(RuntimeMeter.TakePauses());
        var allocationTypes = allocations ? path.Ask("allocations", "ALLOCATIONS") : null;

        // The slowest 1 % and what each overlapped.
        var slow = proxied.Requests.OrderByDescending(r => r.Ms).Take(Math.Max(1, requests / 100)).ToList();
        int proxyGc = 0, ownGc = 0;
        foreach (var (start, ms) in slow)
        {
            var end = start.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond));
            if (proxyPauses.Any(p => p.Start < end && p.Start.AddTicks((long)(p.Ms * TimeSpan.TicksPerMillisecond)) > start))
            {
                proxyGc++;
            }
            else if (ownPauses.Any(p => p.Start < end && p.Start.AddTicks((long)(p.Ms * TimeSpan.TicksPerMillisecond)) > start))
            {
                ownGc++;
            }
        }

        var d = Distribution.Of(directTimes.Requests.Select(r => r.Ms).ToArray());
        var t = Distribution.Of(proxied.Requests.Select(r => r.Ms).ToArray());
        var p999Direct = Percentile(directTimes.Requests.Select(r => r.Ms), 0.999);
        var p999 = Percentile(proxied.Requests.Select(r => r.Ms), 0.999);
        var causes = $"of the slowest {slow.Count}: {proxyGc} overlapped a GC pause of the proxy, {ownGc} one of the client/upstream process, {slow.Count - proxyGc - ownGc} neither (scheduling on the shared cores)";
        Tail = (t.P99 - d.P99, p999 - p999Direct, causes);

        // 32 clients: CPU and allocations per request when the proxy is busy.
        // The same clients warm up first (at least 2 s, until the proxy's JIT is quiet), then are counted.
        using var client = ProxyBenchmark.CreateClient(path, upstreamPort, clients);
        await using var loops = new ClosedLoopClients(client, clients);
        await JitQuiet.WaitAsync(path, TimeSpan.FromSeconds(2), step: null);
        var before = path.Sample();
        var completed = await loops.MeasureAsync(TimeSpan.FromSeconds(seconds));
        var parallel = before.To(path.Sample(), completed);
        await loops.DisposeAsync();
        Warm = (sequential, parallel);

        Results.Add(("Warm, sequential: added p50 / p99 / p99.9", $"{t.P50 - d.P50:N3} / {t.P99 - d.P99:N3} / {p999 - p999Direct:N3} ms", $"{requests:N0} requests after at least {WarmUpSeconds} s of warm-up and the proxy's JIT quiet for {JitQuiet.Window.TotalSeconds:N0} s; direct p50 {d.P50:N3} ms"));
        Results.Add(("Warm: cause of the slowest 1 %", causes, "GC pauses from the runtime's events in each process"));
        Results.Add(("Warm, sequential, per request in the proxy", sequential.ToString(), "load-independent"));
        Results.Add(($"{clients} clients, per request in the proxy", parallel.ToString(), $"{completed / (double)seconds:N0} requests/s over {seconds} s"));
        if (allocationTypes is not null)
        {
            Results.Add(("Proxy allocation samples, largest types (bytes sampled)", allocationTypes, "AllocationTick, one sample per ~100 KB, over the sequential run"));
        }
    }

    private sealed record Sequence(List<(DateTime Start, double Ms)> Requests, PerRequest? PerRequest);

    private static async Task<Sequence> SequentialAsync(BenchPath path, int upstreamPort, int requests, TokentapPath? proxy)
    {
        using var client = ProxyBenchmark.CreateClient(path, upstreamPort, 1);
        await JitQuiet.WaitAsync(path, TimeSpan.FromSeconds(WarmUpSeconds), () => ProxyBenchmark.SendSmallAsync(client));

        var before = proxy?.Sample();
        proxy?.Ask("pauses", "PAUSES");
        proxy?.Ask("allocations", "ALLOCATIONS");
        RuntimeMeter.TakePauses();
        var times = new List<(DateTime, double)>(requests);
        for (var i = 0; i < requests; i++)
        {
            var startUtc = DateTime.UtcNow;
            var start = Stopwatch.GetTimestamp();
            await ProxyBenchmark.SendSmallAsync(client);
            times.Add((startUtc, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        }

        return new Sequence(times, before?.To(proxy!.Sample(), requests));
    }

    private static List<(DateTime Start, double Ms)> ParsePauses(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(':'))
            .Select(p => (new DateTime(long.Parse(p[0], CultureInfo.InvariantCulture), DateTimeKind.Utc), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();

    private static double Percentile(IEnumerable<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
