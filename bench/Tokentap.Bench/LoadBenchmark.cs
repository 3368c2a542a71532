// The "load" scenario: a quick, steady load on one Tokentap host (32 keep-alive clients), to profile the proxy under it.
using System.Diagnostics;
using Tokentap.Testing;

namespace Tokentap.Bench;

/// <summary>
/// Starts the upstream and one Tokentap host, warms it with --clients (32) clients until its JIT is quiet (at least
/// --warmup (3) s), then keeps the same load for --seconds (30) and prints requests/s and the host's CPU per request.
/// The host's process id is printed first, so a profiler can attach; --perf FILE records the host with
/// <c>perf record -g</c> over the measured seconds (set DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0
/// for this program: the host inherits them and writes its JIT map for perf).
/// </summary>
internal static class LoadBenchmark
{
    public static int Run(string[] args)
    {
        RunAsync(args).GetAwaiter().GetResult();
        return 0;
    }

    private static async Task RunAsync(string[] args)
    {
        var seconds = BenchOptions.Int(args, "--seconds", 30);
        var clients = BenchOptions.Int(args, "--clients", 32);
        var warmUp = BenchOptions.Int(args, "--warmup", 3);
        var perfFile = BenchOptions.String(args, "--perf");
        using var authority = new TestCertificateAuthority("Tokentap Bench Upstream Root");
        using var certificate = authority.IssueServerCertificate(["api.anthropic.com"]);
        await using var upstream = await BenchUpstream.StartAsync(certificate);
        await using var path = await TokentapPath.StartAsync(upstream.Port, authority.PemPath);
        var pid = path.ProcessId!.Value;
        Console.WriteLine($"load: Tokentap host pid {pid}, {clients} clients");
        using var client = ProxyBenchmark.CreateClient(path, upstream.Port, clients);
        await using var loops = new ClosedLoopClients(client, clients);
        var warm = await JitQuiet.WaitAsync(path, TimeSpan.FromSeconds(warmUp), step: null);
        Console.WriteLine($"load: warm after {warm.Took.TotalSeconds:N1} s{(warm.Quiet ? "" : " (the JIT did not go quiet)")}; measuring {seconds} s");
        using var perf = perfFile is null ? null : Process.Start(new ProcessStartInfo("perf", ["record", "-g", "-o", perfFile, "-p", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", "sleep", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        var cpuBefore = ProcessMeter.CpuTime(pid);
        var start = Stopwatch.GetTimestamp();
        var counted = await loops.MeasureAsync(TimeSpan.FromSeconds(seconds));
        var elapsed = Stopwatch.GetElapsedTime(start);
        var cpu = ProcessMeter.CpuTime(pid) - cpuBefore;
        await loops.DisposeAsync();
        if (perf is not null)
        {
            await perf.WaitForExitAsync();
        }

        Console.WriteLine($"load: {counted / elapsed.TotalSeconds:N0} requests/s, host CPU {cpu.TotalMilliseconds / counted:N3} ms per request ({cpu / elapsed:P0} of one core), {path.StoredUsageRecords():N0} events stored");
    }
}
