// A cheap trace of where a start's (and a stop's) time goes, on standard error when TOKENTAP_TRACE_START is set (benchmarks, diagnosis).
using System.Diagnostics;

namespace Tokentap.Engine.Hosting;

/// <summary>
/// Writes "tokentap-start +ms (jit n, cpu m) step" lines: milliseconds since the first mark of the process, the methods
/// compiled and the process's CPU milliseconds (every thread) since the previous mark. Off unless TOKENTAP_TRACE_START
/// is set: then each mark costs one line on standard error and a read of the process's CPU time.
/// </summary>
internal static class StartTrace
{
    private static readonly bool Enabled = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TOKENTAP_TRACE_START"));
    private static readonly object Gate = new();
    private static long s_first;
    private static long s_lastJit;
    private static double s_lastCpu;

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
                s_lastCpu = ProcessCpuMilliseconds();
            }

            var jit = System.Runtime.JitInfo.GetCompiledMethodCount();
            var cpu = ProcessCpuMilliseconds();
            Console.Error.WriteLine(FormattableString.Invariant($"tokentap-start +{Stopwatch.GetElapsedTime(s_first, now).TotalMilliseconds:F1} ms (jit {jit - s_lastJit}, cpu {cpu - s_lastCpu:F0}) [{Environment.CurrentManagedThreadId}] {step}"));
            s_lastJit = jit;
            s_lastCpu = cpu;
        }
    }

    private static double ProcessCpuMilliseconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}
