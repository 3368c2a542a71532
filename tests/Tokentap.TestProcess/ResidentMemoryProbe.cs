// The "rss" mode of the test child: a real Tokentap listener alone in a process, reporting its resident memory around a burst.
using System.Globalization;
using Tokentap.Engine;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Proxy;

namespace Tokentap.TestProcess;

/// <summary>
/// Runs the listener Start-Tokentap runs (runtime, recorder, store, budgets) for the data folder HOME, with
/// api.anthropic.com sent to the parent's mock upstream, and prints VmRSS/VmHWM from /proc/self/status (KiB):
/// BASE once the warm-up round of PARALLEL events is recorded, PEAK once the burst's PARALLEL more are, then AFTER
/// once RSS has settled (no change above 1 MiB for 2 s) or 20 s have passed, both without and with a forced
/// collection. Only the listener lives here, so these numbers are the proxy's own, as in a pwsh that runs it.
/// </summary>
internal static class ResidentMemoryProbe
{
    private const string Session = "rss";
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(string home, Uri upstream, string upstreamCaFile, int parallel)
    {
        using var runtime = new TokentapRuntime(new TokentapPaths(home));
        var listener = await runtime.StartListenerAsync(new ListenerRequest
        {
            UpstreamOverrides = new Dictionary<string, Uri> { ["api.anthropic.com"] = upstream },
            UpstreamCaFile = upstreamCaFile,
            Tags = new ExchangeTags(Session, null, null),
        });
        Say($"LISTENING {listener.ProxyUrl}");

        if (!await WaitForEventsAsync(runtime, parallel))
        {
            return 1;
        }

        await runtime.FlushAsync();
        var (baseRss, baseHwm) = Read();
        // Resets VmHWM to the current RSS, so the peak below is the burst's own (Linux 4.0+).
        File.WriteAllText("/proc/self/clear_refs", "5");
        Say($"BASE rss={baseRss} hwm={baseHwm}");

        if (!await WaitForEventsAsync(runtime, 2 * parallel))
        {
            return 1;
        }

        var (peakRss, peakHwm) = Read();
        var budget = DecodedBodyBudget.Shared;
        Say($"PEAK rss={peakRss} hwm={peakHwm} budgetPeak={budget.PeakBytes} budgetHeld={budget.HeldBytes} refusals={budget.Refusals}");

        var (settled, seconds) = await SettleAsync();
        Say($"AFTER rss={settled} seconds={seconds.ToString("0.0", CultureInfo.InvariantCulture)} trims={budget.Trims}");

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var (collected, _) = Read();
        Say($"COLLECTED rss={collected} managed={GC.GetTotalMemory(forceFullCollection: false)}");
        await listener.StopAsync();
        return 0;
    }

    private static async Task<bool> WaitForEventsAsync(TokentapRuntime runtime, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (runtime.CapturedEvents(Session) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                Say($"TIMEOUT events={runtime.CapturedEvents(Session)} wanted={count}");
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    // Samples every 250 ms; settled when the last 2 s moved RSS by at most 1 MiB.
    private static async Task<(long Rss, double Seconds)> SettleAsync()
    {
        var started = DateTime.UtcNow;
        var samples = new List<long>();
        while (true)
        {
            samples.Add(Read().Rss);
            var elapsed = DateTime.UtcNow - started;
            var window = samples.TakeLast(9).ToList();
            if ((window.Count == 9 && window.Max() - window.Min() <= 1024) || elapsed >= SettleLimit)
            {
                return (samples[^1], elapsed.TotalSeconds);
            }

            await Task.Delay(250);
        }
    }

    private static (long Rss, long Hwm) Read()
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kib(line);
            }
        }

        return (rss, hwm);
    }

    private static long Kib(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static void Say(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
