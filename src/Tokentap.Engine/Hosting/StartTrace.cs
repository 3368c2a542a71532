// A cheap trace of where a start's (and a stop's) time goes, on standard error when TOKENTAP_TRACE_START is set (benchmarks, diagnosis).
using System.Diagnostics;

namespace Tokentap.Engine.Hosting;

/// <summary>
/// Writes "tokentap-start +ms (jit n) step" lines: milliseconds since the first mark of the process and the methods
/// compiled since the previous mark (System.Runtime.JitInfo, every thread). Off unless TOKENTAP_TRACE_START is set:
/// then each mark costs one line on standard error.
/// </summary>
internal static class StartTrace
{
    private static readonly bool Enabled = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TOKENTAP_TRACE_START"));
    private static readonly object Gate = new();
    private static long s_first;
    private static long s_lastJit;

    /// <summary>Records that <paramref name="step"/> has just finished.</summary>
    public static void Mark(string step)
    {
        if (!Enabled)
        {
            return;
        }

        lock (Gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (s_first == 0)
            {
                s_first = now;
                s_lastJit = System.Runtime.JitInfo.GetCompiledMethodCount();
            }

            var jit = System.Runtime.JitInfo.GetCompiledMethodCount();
            Console.Error.WriteLine(FormattableString.Invariant($"tokentap-start +{Stopwatch.GetElapsedTime(s_first, now).TotalMilliseconds:F1} ms (jit {jit - s_lastJit}) [{Environment.CurrentManagedThreadId}] {step}"));
            s_lastJit = jit;
        }
    }
}
