// "tokentap-host": the child process the proxy benchmarks measure. Runs Tokentap's engine exactly as Start-Tokentap
// does (runtime, listener, recorder into a LiteDB store), with api.anthropic.com routed to the benchmark upstream.
using Tokentap.Engine;
using Tokentap.Engine.Hosting;

namespace Tokentap.Bench;

internal static class TokentapHost
{
    /// <summary>
    /// Arguments: home folder, upstream port, upstream CA PEM, and "capture" to capture content. Prints "LISTENING port ca.pem ms-since-process-start
    /// assemblies-loaded"; then reads commands on standard input: "count" flushes the recorder and prints "EVENTS n";
    /// "warm" waits for the start's warm-up and prints "WARMED ms exchanges"; "stats" prints "STATS" and <see cref="RuntimeMeter.Take"/>; "pauses" and "allocations" print "PAUSES" and
    /// "ALLOCATIONS" with what <see cref="RuntimeMeter"/> kept (environment TOKENTAP_BENCH_METER=gc or alloc turns it
    /// on); end of input stops the proxy.
    /// </summary>
    public static int Run(string[] args)
    {
        if (Environment.GetEnvironmentVariable("TOKENTAP_BENCH_METER") is { Length: > 0 } meter)
        {
            RuntimeMeter.Listen(allocations: meter == "alloc");
        }

        var paths = new TokentapPaths(args[0]);
        Directory.CreateDirectory(paths.Home);
        using var runtime = new TokentapRuntime(paths);
        var listener = runtime.StartListenerAsync(new ListenerRequest
        {
            Port = 0,
            UpstreamOverrides = new Dictionary<string, Uri> { ["api.anthropic.com"] = new Uri("https://127.0.0.1:" + args[1]) },
            UpstreamCaFile = args[2],
            Tags = new Engine.Proxy.ExchangeTags("bench", "bench", "bench"),
            CaptureContent = args.Length > 3 && args[3] == "capture",
        }).GetAwaiter().GetResult();
        var sinceStart = (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        Console.WriteLine(FormattableString.Invariant($"LISTENING {listener.Port} {Path.Combine(paths.CaDirectory, "ca.pem")} {sinceStart:F1} {AppDomain.CurrentDomain.GetAssemblies().Length}"));
        while (Console.ReadLine() is { } command)
        {
            switch (command)
            {
                case "count":
                    runtime.FlushAsync().GetAwaiter().GetResult();
                    Console.WriteLine($"EVENTS {runtime.Store.Count(UsageFilter.All)}");
                    break;
                case "warm":
                    var warmUp = listener.WarmUp?.Completion ?? Task.CompletedTask;
                    var waited = System.Diagnostics.Stopwatch.StartNew();
                    warmUp.Wait(TimeSpan.FromSeconds(60));
                    Console.WriteLine(FormattableString.Invariant($"WARMED {waited.Elapsed.TotalMilliseconds:F1} {listener.WarmUp?.CompletedExchanges ?? 0}"));
                    break;
                case "stats":
                    Console.WriteLine("STATS " + RuntimeMeter.Take());
                    break;
                case "pauses":
                    Console.WriteLine("PAUSES " + RuntimeMeter.TakePauses());
                    break;
                case "allocations":
                    Console.WriteLine("ALLOCATIONS " + RuntimeMeter.TakeAllocations());
                    break;
            }
        }

        listener.StopAsync().GetAwaiter().GetResult();
        return 0;
    }
}
