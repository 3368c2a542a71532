// Warm-up until a proxy is warm: traffic until its process has compiled no method for a while, so "warm" figures are not JIT.
using System.Diagnostics;

namespace Tokentap.Bench;

/// <summary>
/// The runtime's tiered JIT keeps compiling for many seconds of traffic (tier 0, instrumented, tier 1, per method and
/// per code path), so a fixed warm-up can leave hundreds of compilations inside a "warm" measurement. For a Tokentap
/// path this waits, while the caller's traffic runs, until at least the minimum has passed and the proxy process has
/// compiled nothing for <see cref="Window"/> (read from its JitInfo through the host's stats), or
/// <see cref="Limit"/> passed. Paths without a meter (direct, mitmdump) get the minimum.
/// </summary>
internal static class JitQuiet
{
    /// <summary>How long the proxy's JIT must stay idle.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    /// <summary>The longest warm-up.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs <paramref name="step"/> (or waits, when traffic runs elsewhere) until warm; returns how long it took and whether the JIT went quiet.</summary>
    public static async Task<(TimeSpan Took, bool Quiet)> WaitAsync(BenchPath path, TimeSpan minimum, Func<Task>? step)
    {
        var watch = Stopwatch.StartNew();
        var meter = path as TokentapPath;
        var compiled = meter?.Sample()["jitMethods"] ?? 0;
        var quietSince = TimeSpan.Zero;
        var nextPoll = Poll;
        while (watch.Elapsed < Limit)
        {
            await (step?.Invoke() ?? Task.Delay(Poll));
            if (watch.Elapsed < nextPoll)
            {
                continue;
            }

            nextPoll = watch.Elapsed + Poll;
            if (meter is null)
            {
                if (watch.Elapsed >= minimum)
                {
                    return (watch.Elapsed, true);
                }

                continue;
            }

            var now = meter.Sample()["jitMethods"];
            if (now != compiled)
            {
                compiled = now;
                quietSince = watch.Elapsed;
            }
            else if (watch.Elapsed >= minimum && watch.Elapsed - quietSince >= Window)
            {
                return (watch.Elapsed, true);
            }
        }

        return (watch.Elapsed, false);
    }
}
