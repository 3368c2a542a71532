// The "hotpath" scenario: the engine's own CPU and allocations per exchange, without sockets or TLS, in this process.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tokentap.Engine;
using Tokentap.Engine.Anomalies;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Usage;

namespace Tokentap.Bench;

/// <summary>
/// Feeds recorded exchanges through the chain a listener builds (the request gates, <see cref="UsageObserver"/> and
/// its tap and parser, pricing, the counting, budget and anomaly sinks, the recorder's queue) on this thread, as the
/// proxy's tap pump does, and prints per exchange this thread's CPU time and allocated bytes (they hold on a busy
/// machine), then the whole process's, which adds the recorder's writes to LiteDB and the GC. Two traffic shapes:
/// "bench", the throughput scenario's identical small requests (every repeat extends one open retry loop),
/// "session", a Claude Code session's growing prompts with its session header (token-spike history full), and (asked
/// for with --shapes) "agent", the session with a request body of 200 KB, the size of a long agent conversation.
/// Options: --exchanges N (100,000 measured per shape), --warmup-seconds S (3), --shapes a,b (both), --jit (the methods compiled
/// during the measured exchanges), --path-allocations (the types the path's thread allocated most, making the
/// requests and responses included), --allocations (the types allocated
/// most over the measured exchanges, from the runtime's AllocationTick samples: the recorder's thread included).
/// </summary>
internal static class HotPathBenchmark
{
    private const int FlushEvery = 1000;

    public static int Run(string[] args)
    {
        var exchanges = BenchOptions.Int(args, "--exchanges", 100_000);
        var warmUp = TimeSpan.FromSeconds(BenchOptions.Int(args, "--warmup-seconds", 3));
        var allocations = args.Contains("--allocations");
        using var jit = args.Contains("--jit") ? new JitNames() : null;
        using var pathAllocations = args.Contains("--path-allocations") ? new ThreadAllocations() : null;
        if (allocations)
        {
            RuntimeMeter.Listen(allocations: true);
        }

        foreach (var shape in (BenchOptions.String(args, "--shapes") ?? "bench,session").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var home = Directory.CreateTempSubdirectory("tokentap-bench-hotpath-").FullName;
            try
            {
                Measure(shape, new TokentapPaths(home), exchanges, warmUp, jit, pathAllocations);
                foreach (var line in pathAllocations?.Take(30) ?? [])
                {
                    Console.WriteLine("  path allocated " + line);
                }

                foreach (var line in jit?.Take(25) ?? [])
                {
                    Console.WriteLine("  jit " + line);
                }

                if (allocations)
                {
                    Console.WriteLine("  allocated most (bytes sampled): " + RuntimeMeter.TakeAllocations().Replace(" ", "\n    ", StringComparison.Ordinal));
                }
            }
            finally
            {
                Directory.Delete(home, recursive: true);
            }
        }

        return 0;
    }

    private static void Measure(string shape, TokentapPaths paths, int exchanges, TimeSpan warmUp, JitNames? jit, ThreadAllocations? pathAllocations = null)
    {
        using var runtime = new TokentapRuntime(paths);
        var prices = runtime.Prices;
        using var recorder = new UsageRecorder(runtime.Store);
        var anomalies = AnomalyMonitor.Open(paths, prices, _ => { });
        var observer = new UsageObserver(prices, new CountingSink(new MonitoringSink(runtime.Budgets.Wrap(recorder), anomalies)));
        runtime.Budgets.Start(DateTime.UtcNow);
        IRequestGate[] gates = [runtime.Budgets.Gate, new RetryLoopGate(anomalies, AnomalySettingsFile.PathIn(paths))];
        var traffic = new Traffic(shape);

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < warmUp)
        {
            Run(observer, gates, traffic.Next(FlushEvery));
            recorder.Flush(TimeSpan.FromSeconds(30));
        }

        RuntimeMeter.TakeAllocations();
        jit?.Take(0);
        pathAllocations?.Take(0);

        // Only the engine's work is counted: making the requests and responses (the wire's part) is taken out.
        var gen0 = GC.CollectionCount(0);
        var processCpu = -Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        double processAllocated = -GC.GetTotalAllocatedBytes(precise: true);
        double cpu = 0, allocated = 0, madeCpu = 0, madeAllocated = 0;
        var batches = new List<double>();
        for (var done = 0; done < exchanges; done += FlushEvery)
        {
            var (made, madeBytes) = (ThreadCpuMs(), GC.GetAllocatedBytesForCurrentThread());
            var batch = traffic.Next(FlushEvery);
            var (start, bytes) = (ThreadCpuMs(), GC.GetAllocatedBytesForCurrentThread());
            madeCpu += start - made;
            madeAllocated += bytes - madeBytes;
            Run(observer, gates, batch);
            var (end, endBytes) = (ThreadCpuMs(), GC.GetAllocatedBytesForCurrentThread());
            batches.Add((end - start) / FlushEvery);
            cpu += end - start;
            allocated += endBytes - bytes;

            // Waiting for the recorder is neither the path's work nor the making of requests: it counts for the process only.
            recorder.Flush(TimeSpan.FromSeconds(30));
            var (waited, waitedBytes) = (ThreadCpuMs(), GC.GetAllocatedBytesForCurrentThread());
            madeCpu += waited - end;
            madeAllocated += waitedBytes - endBytes;
        }

        batches.Sort();

        var count = exchanges / FlushEvery * FlushEvery;
        processCpu = (processCpu + Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - madeCpu) / count;
        processAllocated = (processAllocated + GC.GetTotalAllocatedBytes(precise: true) - madeAllocated) / count;
        var status = recorder.Status;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape,-8} path thread: {cpu / count * 1000,6:N1} us CPU (median of batches {batches[batches.Count / 2] * 1000:N1}, fastest {batches[0] * 1000:N1}) {allocated / count,7:N0} B allocated per exchange; whole process (adds the recorder's writes): {processCpu * 1000,6:N1} us CPU {processAllocated,7:N0} B; {GC.CollectionCount(0) - gen0} gen0 GCs; {observer.Failures} failures, {status.Committed:N0} events stored, {status.Dropped} dropped, {anomalies.Current().Count} anomalies"));
        recorder.Stop(TimeSpan.FromSeconds(30));
    }

    // Exchanges as the proxy drives them: the gates, then the observer's tap (head, body, completion).
    private static void Run(UsageObserver observer, IRequestGate[] gates, Recorded[] batch)
    {
        foreach (var (request, head, body) in batch)
        {
            foreach (var gate in gates)
            {
                if (gate.Check(request) is not null)
                {
                    throw new InvalidOperationException("a gate refused a benchmark request");
                }
            }

            var tap = observer.BeginExchange(request) ?? throw new InvalidOperationException("the benchmark request was not observed");
            tap.OnResponseHead(head);
            tap.OnResponseBody(body);
            tap.OnCompleted(new ExchangeCompletion { DurationMs = 0.4, ResponseBytes = body.Length });
        }
    }

    private sealed record Recorded(ExchangeRequest Request, ExchangeResponseHead Head, byte[] Body);

    // This thread's CPU time: clock_gettime(CLOCK_THREAD_CPUTIME_ID) on Linux (the process's elsewhere).
    private static double ThreadCpuMs()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3, out var time) == 0)
        {
            return time.Seconds * 1000.0 + time.Nanoseconds / 1e6;
        }

        return Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // The requests and responses of one traffic shape, made ahead of the exchange where they do not vary, as the wire
    // would hand them over.
    private sealed class Traffic(string shape)
    {
        private static readonly DateTime Start = DateTime.UtcNow;
        private static readonly byte[] BenchBody = Encoding.UTF8.GetBytes(ProxyBenchmark.RequestBody("small"));
        private static readonly string Conversation = string.Concat(Enumerable.Repeat("""{"role":"user","content":"Refactor the parser so that every chunk is read once."},{"role":"assistant","content":"Done: the splitter now hands each payload over as it completes."},""", 1400));
        // Made once (a new 200 KB body per request would measure the large object heap, not the engine); 64 of them, each
        // sent again 128 s later, so no four of one fall within a retry loop's minute.
        private static readonly byte[][] AgentBodies = Enumerable.Range(0, 64).Select(i => SessionBody(i, Conversation)).ToArray();
        private readonly bool _session = shape is "session" or "agent";
        private readonly bool _agent = shape == "agent";
        private int _count;

        private static byte[] SessionBody(int turn, string conversation) =>
            Encoding.UTF8.GetBytes($$"""{"model":"{{BenchUpstream.Model}}","max_tokens":32000,"stream":false,"messages":[{{conversation}}{"role":"user","content":"turn {{turn}}: go on with the refactoring"}]}""");

        public Recorded[] Next(int count)
        {
            var batch = new Recorded[count];
            for (var i = 0; i < count; i++)
            {
                var request = NextRequest();
                var (head, body) = Response();
                batch[i] = new Recorded(request, head, body);
            }

            return batch;
        }

        private ExchangeRequest NextRequest()
        {
            var n = ++_count;
            // The bench's requests come about 0.3 ms apart; a session's turns some seconds apart.
            var started = _session ? Start.AddSeconds(2.0 * n) : Start.AddTicks(3000L * n);
            var headers = _session
                ? new HeaderList([
                    new("Host", "api.anthropic.com"), new("Content-Type", "application/json"), new("x-api-key", "sk-ant-bench"),
                    new("anthropic-version", "2023-06-01"), new("User-Agent", "claude-cli/2.0.14 (external, cli)"),
                    new("x-claude-code-session-id", "5d0c8d40-3c52-4ab8-9d71-6ad0f0d6f0b2"), new("Content-Length", "0")])
                : new HeaderList([
                    new("Host", "api.anthropic.com"), new("x-api-key", "sk-ant-bench"), new("anthropic-version", "2023-06-01"),
                    new("x-bench", "small"), new("Content-Type", "application/json; charset=utf-8"), new("Content-Length", "0")]);
            var body = _agent ? AgentBodies[n % AgentBodies.Length]
                : _session ? SessionBody(n, "")
                : BenchBody;
            return new ExchangeRequest(body)
            {
                Host = "api.anthropic.com",
                Port = 443,
                Method = "POST",
                PathAndQuery = "/v1/messages",
                Headers = headers,
                Route = ProxyRoute.Connect,
                StartedUtc = started,
                Tags = new ExchangeTags("bench", "bench", "bench"),
            };
        }

        private (ExchangeResponseHead Head, byte[] Body) Response()
        {
            var n = _count;
            var head = new ExchangeResponseHead
            {
                StatusCode = 200,
                Headers = new HeaderList([
                    new("Content-Type", "application/json"), new("Date", "Sun, 06 Dec 2026 14:00:00 GMT"),
                    new("request-id", "req_bench_" + n.ToString(CultureInfo.InvariantCulture)), new("anthropic-ratelimit-requests-remaining", "3999")]),
                TimeToFirstByteMs = 0.2,
            };
            var id = "msg_bench_" + n.ToString(CultureInfo.InvariantCulture);
            var body = _session
                ? Encoding.UTF8.GetBytes($$$"""{"id":"{{{id}}}","type":"message","role":"assistant","model":"{{{BenchUpstream.Model}}}","content":[{"type":"text","text":"Done."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":{{{4 + n % 7}}},"cache_creation_input_tokens":{{{300 + n % 50}}},"cache_read_input_tokens":{{{20000 + (n % 400) * 50}}},"output_tokens":{{{40 + n % 90}}},"service_tier":"standard"}}""")
                : BenchUpstream.SmallResponse(id);
            return (head, body);
        }
    }
}
