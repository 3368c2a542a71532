// The "proxy" scenario: latency, streaming, throughput and memory of Tokentap against a direct connection and mitmdump.
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tokentap.Testing;

namespace Tokentap.Bench;

/// <summary>
/// Runs scenarios 1 to 4 of the benchmark issue on each path (direct, Tokentap, mitmdump) with the same .NET client
/// and the same loopback upstream. Options: --requests N (sequential small requests, 2,000), --streams N (paced SSE
/// streams, 5), --first-bytes N (short streams timed to their first byte, 500), --seconds S (throughput run, 10),
/// --clients N (32), --big-mib M (1,024), --paths a,b (all three), --mitm-addon PATH (bench/mitm/usage_addon.py).
/// </summary>
internal static class ProxyBenchmark
{
    public static int Run(string[] args)
    {
        var options = ProxyBenchOptions.Parse(args);
        var results = RunAsync(options).GetAwaiter().GetResult();
        Console.WriteLine();
        foreach (var line in ProxyReport.Table(results).Concat(ProxyReport.CaptureTable(results)))
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    public static async Task<IReadOnlyList<PathFigures>> RunAsync(ProxyBenchOptions options)
    {
        using var authority = new TestCertificateAuthority("Tokentap Bench Upstream Root");
        using var certificate = authority.IssueServerCertificate(["api.anthropic.com"]);
        await using var upstream = await BenchUpstream.StartAsync(certificate);
        var results = new List<PathFigures>();
        foreach (var name in options.Paths)
        {
            BenchPath path = name switch
            {
                "direct" => new DirectPath(upstream.Port) { ClientRoot = authority.Certificate },
                "tokentap" => await TokentapPath.StartAsync(upstream.Port, authority.PemPath),
                "tokentap-capture" => await TokentapPath.StartAsync(upstream.Port, authority.PemPath, captureContent: true),
                "mitmdump" => await MitmDumpPath.StartAsync(upstream.Port, authority.PemPath, options.MitmAddon),
                _ => throw new ArgumentException($"unknown path '{name}' (direct, tokentap, tokentap-capture, mitmdump)"),
            };
            await using (path)
            {
                Console.WriteLine($"proxy benchmark: {path.Name}{(path.ProxyUri is null ? "" : " at " + path.ProxyUri)}");
                results.Add(await MeasureAsync(path, upstream.Port, options));
            }
        }

        return results;
    }

    private static async Task<PathFigures> MeasureAsync(BenchPath path, int upstreamPort, ProxyBenchOptions options)
    {
        var figures = new PathFigures { Name = path.Name };
        using var client = CreateClient(path, upstreamPort, options.Clients);

        // Warm up every code path before any figure is taken: TLS sessions, connection pools, and the JIT, whose
        // background tiering takes many seconds of traffic (a proxy that runs for hours is measured warm): at least
        // --warmup seconds, and for Tokentap until its process compiled nothing for JitQuiet.Window.
        var warm = await JitQuiet.WaitAsync(path, TimeSpan.FromSeconds(options.WarmUpSeconds), async () =>
        {
            await SendSmallAsync(client);
            figures.Responses++;
        });
        figures.WarmUp = warm.Took;
        Console.WriteLine($"  warm-up: {warm.Took.TotalSeconds:N1} s{(warm.Quiet ? "" : " (the JIT did not go quiet)")}");

        await StreamAsync(client, "sse", figures: null);
        for (var i = 0; i < 50; i++)
        {
            await StreamAsync(client, "first", figures: null);
        }

        figures.Responses += 51;

        // 1. Small JSON, keep-alive, sequential.
        var latencies = new double[options.Requests];
        for (var i = 0; i < latencies.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await SendSmallAsync(client);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        figures.Responses += options.Requests;
        figures.Small = Distribution.Of(latencies);
        Console.WriteLine($"  small JSON: p50 {figures.Small.P50:N3} ms, p99 {figures.Small.P99:N3} ms");

        // 2. Paced SSE: first byte and the gaps between events as this client sees them.
        for (var i = 0; i < options.Streams; i++)
        {
            await StreamAsync(client, "sse", figures);
        }

        figures.Responses += options.Streams;

        // First byte: a short stream (head, message_start, message_delta, message_stop) many times over.
        figures.FirstBytes.Clear();
        for (var i = 0; i < options.FirstByteSamples; i++)
        {
            await StreamAsync(client, "first", figures);
        }

        figures.Responses += options.FirstByteSamples;
        figures.FirstByte = Distribution.Of(figures.FirstBytes.ToArray());
        figures.Gaps = Distribution.Of(figures.GapSamples.ToArray());
        Console.WriteLine($"  SSE: first byte p50 {figures.FirstByte.P50:N3} ms p99 {figures.FirstByte.P99:N3} ms, gaps p50 {figures.Gaps.P50:N3} p99 {figures.Gaps.P99:N3} max {figures.Gaps.Max:N3} ms");

        // 3. Throughput: N keep-alive clients for a fixed time; CPU of the proxy process per request.
        await ThroughputAsync(client, path, options, figures);
        Console.WriteLine($"  throughput: {figures.RequestsPerSecond:N0} requests/s, proxy CPU {figures.CpuPerRequestMs?.ToString("N3") ?? "-"} ms per request");

        // 4. One big stream: peak RSS growth of the proxy process.
        await BigStreamAsync(client, path, options, figures);
        figures.Responses += 1;
        Console.WriteLine($"  {options.BigMiB:N0} MiB stream: {figures.BigSeconds:N1} s, peak RSS growth {(figures.RssGrowthBytes is { } g ? (g / 1_048_576.0).ToString("N1") + " MiB" : "-")}");

        figures.Stored = path.StoredUsageRecords();
        return figures;
    }

    internal static HttpClient CreateClient(BenchPath path, int upstreamPort, int connections)
    {
        var root = path.ClientRoot;
        var handler = new SocketsHttpHandler
        {
            UseProxy = path.ProxyUri is not null,
            Proxy = path.ProxyUri is null ? null : new WebProxy(path.ProxyUri),
            MaxConnectionsPerServer = connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(root, certificate, errors),
            },
        };
        if (path.ProxyUri is null)
        {
            // Direct: the upstream stands in for api.anthropic.com, so connect to it instead of resolving the name.
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, upstreamPort, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
    }

    // Full verification against the one root this path presents (the upstream's, Tokentap's or mitmproxy's CA).
    private static bool IsTrusted(X509Certificate2 root, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private static HttpRequestMessage Request(string kind)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages")
        {
            Content = new StringContent(RequestBody(kind), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", "sk-ant-bench");
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("x-bench", kind);
        return request;
    }

    /// <summary>The request body the benchmark client sends for a kind of answer (a stream for all but "small").</summary>
    internal static string RequestBody(string kind)
    {
        var stream = kind == "small" ? "" : ",\"stream\":true";
        return $$"""{"model":"{{BenchUpstream.Model}}","max_tokens":1024{{stream}},"messages":[{"role":"user","content":"Say how a proxy should handle a stream of server-sent events."}]}""";
    }

    internal static async Task SendSmallAsync(HttpClient client)
    {
        using var request = Request("small");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"small request failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    internal static async Task<long> StreamAsync(HttpClient client, string kind, PathFigures? figures, long bytes = 0)
    {
        using var request = Request(kind);
        if (bytes > 0)
        {
            request.Headers.Add("x-bench-bytes", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var start = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{kind} request failed: {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        var events = 0;
        var previous = (byte)0;
        var lastEvent = 0L;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            var now = Stopwatch.GetTimestamp();
            if (total == 0)
            {
                figures?.FirstBytes.Add(Stopwatch.GetElapsedTime(start, now).TotalMilliseconds);
            }

            total += read;
            if (figures is null || kind != "sse")
            {
                continue;
            }

            // Every "\n\n" ends an event: it arrived with this read.
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n' && previous == (byte)'\n')
                {
                    if (events++ > 0)
                    {
                        figures.GapSamples.Add(Stopwatch.GetElapsedTime(lastEvent, now).TotalMilliseconds);
                    }

                    lastEvent = now;
                }

                previous = buffer[i];
            }
        }

        if (figures is not null && kind == "sse" && events != BenchUpstream.SseEvents)
        {
            throw new InvalidOperationException($"stream carried {events} events, not {BenchUpstream.SseEvents}");
        }

        return total;
    }

    private static async Task ThroughputAsync(HttpClient client, BenchPath path, ProxyBenchOptions options, PathFigures figures)
    {
        long completed = 0;
        var measuring = false;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await SendSmallAsync(client);
                if (Volatile.Read(ref measuring))
                {
                    Interlocked.Increment(ref completed);
                }
                else
                {
                    Interlocked.Increment(ref figures.WarmupResponses);
                }
            }
        })).ToArray();

        // At least 2 s, and until the proxy's JIT is quiet again: 32 connections take code paths one did not.
        var warm = await JitQuiet.WaitAsync(path, TimeSpan.FromSeconds(2), step: null);
        figures.ThroughputWarmUp = warm.Took;
        var cpuBefore = path.ProcessId is { } pid ? ProcessMeter.CpuTime(pid) : TimeSpan.Zero;
        var ownBefore = OwnCpuTime();
        var start = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, true);
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds));
        var counted = Interlocked.Read(ref completed);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var cpuAfter = path.ProcessId is { } pid2 ? ProcessMeter.CpuTime(pid2) : TimeSpan.Zero;
        var ownAfter = OwnCpuTime();
        stop.Cancel();
        await Task.WhenAll(workers);

        figures.Responses += Interlocked.Read(ref completed) + figures.WarmupResponses;
        figures.RequestsPerSecond = counted / elapsed.TotalSeconds;
        figures.CpuPerRequestMs = path.ProcessId is null ? null : (cpuAfter - cpuBefore).TotalMilliseconds / counted;
        figures.ProxyCpuShare = path.ProcessId is null ? null : (cpuAfter - cpuBefore) / elapsed;
        figures.ClientAndUpstreamCpuPerRequestMs = (ownAfter - ownBefore).TotalMilliseconds / counted;
    }

    // This program's CPU: the clients and the upstream (the proxies run in processes of their own).
    private static TimeSpan OwnCpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static async Task BigStreamAsync(HttpClient client, BenchPath path, ProxyBenchOptions options, PathFigures figures)
    {
        if (path.ProcessId is { } pid)
        {
            GC.Collect();
            await Task.Delay(500);
            ProcessMeter.ResetPeak(pid);
            figures.RssBeforeBytes = ProcessMeter.Rss(pid);
        }

        var start = Stopwatch.GetTimestamp();
        var requested = options.BigMiB * 1_048_576L;
        var bytes = await StreamAsync(client, "big", figures: null, requested);
        figures.BigSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        figures.BigBytes = bytes;
        if (bytes < requested)
        {
            throw new InvalidOperationException($"the big stream ended after {bytes:N0} bytes");
        }

        if (path.ProcessId is { } pid2)
        {
            figures.RssGrowthBytes = ProcessMeter.PeakRss(pid2) - figures.RssBeforeBytes;
        }
    }
}

internal sealed record ProxyBenchOptions
{
    public int Requests { get; init; } = 2000;
    public int Streams { get; init; } = 5;
    public int FirstByteSamples { get; init; } = 500;
    public int Seconds { get; init; } = 10;
    public int Clients { get; init; } = 32;

    /// <summary>Seconds of sequential small requests on each path before any figure is taken.</summary>
    public int WarmUpSeconds { get; init; } = 3;
    public int BigMiB { get; init; } = 1024;
    public IReadOnlyList<string> Paths { get; init; } = ["direct", "tokentap", "mitmdump"];
    public string MitmAddon { get; init; } = Path.Combine(BenchOptions.RepoRoot(), "bench", "mitm", "usage_addon.py");

    /// <summary>The defaults above, each replaced by its command-line option when given.</summary>
    public static ProxyBenchOptions Parse(string[] args)
    {
        var defaults = new ProxyBenchOptions();
        return new ProxyBenchOptions
        {
            Requests = BenchOptions.Int(args, "--requests", defaults.Requests),
            Streams = BenchOptions.Int(args, "--streams", defaults.Streams),
            FirstByteSamples = BenchOptions.Int(args, "--first-bytes", defaults.FirstByteSamples),
            Seconds = BenchOptions.Int(args, "--seconds", defaults.Seconds),
            Clients = BenchOptions.Int(args, "--clients", defaults.Clients),
            WarmUpSeconds = BenchOptions.Int(args, "--warmup", defaults.WarmUpSeconds),
            BigMiB = BenchOptions.Int(args, "--big-mib", defaults.BigMiB),
            Paths = BenchOptions.String(args, "--paths") is { } paths
                ? paths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToArray()
                : defaults.Paths,
            MitmAddon = BenchOptions.String(args, "--mitm-addon") ?? defaults.MitmAddon,
        };
    }
}

/// <summary>What one path measured.</summary>
internal sealed class PathFigures
{
    public required string Name { get; init; }
    public Distribution Small { get; set; } = Distribution.Empty;
    public List<double> FirstBytes { get; } = [];
    public List<double> GapSamples { get; } = [];
    public Distribution FirstByte { get; set; } = Distribution.Empty;
    public Distribution Gaps { get; set; } = Distribution.Empty;
    public double RequestsPerSecond { get; set; }
    public double? CpuPerRequestMs { get; set; }
    public double? ProxyCpuShare { get; set; }
    public double ClientAndUpstreamCpuPerRequestMs { get; set; }
    public double BigSeconds { get; set; }
    public long BigBytes { get; set; }
    public long? RssBeforeBytes { get; set; }
    public long? RssGrowthBytes { get; set; }
    public long Responses { get; set; }
    public long WarmupResponses;

    /// <summary>How long the sequential warm-up and the 32-client warm-up took (see <see cref="JitQuiet"/>).</summary>
    public TimeSpan WarmUp;

    public TimeSpan ThroughputWarmUp;
    public long? Stored { get; set; }
}

/// <summary>Percentiles of a sample, in its unit.</summary>
internal sealed record Distribution(int Count, double P50, double P99, double Max, double Mean)
{
    public static readonly Distribution Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    public static Distribution Of(double[] samples)
    {
        if (samples.Length == 0)
        {
            return Empty;
        }

        var sorted = samples.Order().ToArray();
        return new Distribution(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1], sorted.Average());
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
