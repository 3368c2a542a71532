// One reading of a process's RuntimeMeter counters, and the per-request figures between two readings.
using System.Globalization;

namespace Tokentap.Bench;

/// <summary>The counters <see cref="RuntimeMeter.Take"/> printed, by name.</summary>
internal sealed record RuntimeSample(IReadOnlyDictionary<string, double> Values)
{
    public double this[string name] => Values[name];

    public static RuntimeSample Parse(string line)
    {
        var numbers = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < RuntimeMeter.Fields.Length && i < numbers.Length; i++)
        {
            values[RuntimeMeter.Fields[i]] = double.Parse(numbers[i], CultureInfo.InvariantCulture);
        }

        return new RuntimeSample(values);
    }

    /// <summary>The figures per request from this reading to <paramref name="after"/>, over <paramref name="requests"/>.</summary>
    public PerRequest To(RuntimeSample after, long requests)
    {
        double Delta(string name) => after[name] - this[name];
        return new PerRequest(
            requests,
            Delta("allocated") / requests,
            Delta("gen0") * 1000 / requests,
            (Delta("gen1") + Delta("gen2")) * 1000 / requests,
            Delta("cpuMs") / requests,
            Delta("poolItems") / requests,
            Delta("lockWaits") / requests,
            Delta("gcPauseMs"),
            after["poolThreads"],
            Delta("jitMethods"),
            Delta("jitMs"),
            Delta("kernelMs") / requests);
    }
}

/// <summary>Load-independent figures of one run, per request.</summary>
internal sealed record PerRequest(
    long Requests,
    double AllocatedBytes,
    double Gen0Per1000,
    double Gen1And2Per1000,
    double CpuMs,
    double PoolWorkItems,
    double LockWaits,
    double GcPauseMsTotal,
    double PoolThreads,
    double JitMethods,
    double JitMs,
    double KernelCpuMs)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{AllocatedBytes:N0} B allocated, {CpuMs:N3} ms CPU ({KernelCpuMs:N3} of it in the kernel), {PoolWorkItems:N1} thread-pool work items, {LockWaits:N3} lock waits per request; {Gen0Per1000:N2} gen0 and {Gen1And2Per1000:N2} gen1/2 GCs per 1,000 requests ({GcPauseMsTotal:N1} ms paused in all); {PoolThreads:N0} pool threads; {JitMethods:N0} methods JIT-compiled during the run ({JitMs:N0} ms)");
}
