// Load-independent figures of the process it runs in (allocations, collections, CPU, thread-pool work, assemblies),
// and, when asked, when each GC pause happened and which types the allocation samples name.
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Tokentap.Bench;

/// <summary>
/// Counters of this process at one moment (<see cref="Take"/>); the difference of two divided by the requests
/// between them does not depend on how busy the machine is. With <see cref="Listen"/>, GC pauses are kept with their
/// start time (so a slow request can be matched with a pause in the process that served it) and, with allocation
/// sampling, the runtime's AllocationTick events (one per about 100 KB allocated) are summed per type.
/// </summary>
internal sealed class RuntimeMeter : EventListener
{
    private const int GcRestartEnd = 3;
    private const int GcSuspendBegin = 9;
    private const int AllocationTick = 10;
    private static bool s_sampleAllocations;
    private static RuntimeMeter? s_instance;
    private readonly object _gate = new();
    private readonly List<(DateTime Start, double Ms)> _pauses = [];
    private readonly Dictionary<string, long> _allocations = new(StringComparer.Ordinal);
    private DateTime? _suspendedAt;

    /// <summary>Starts keeping GC pauses (and allocation samples, when <paramref name="allocations"/>).</summary>
    public static void Listen(bool allocations)
    {
        s_sampleAllocations = allocations;
        s_instance ??= new RuntimeMeter();
    }

    /// <summary>The counters now, as one line of numbers (see <see cref="Fields"/>).</summary>
    public static string Take()
    {
        using var self = Process.GetCurrentProcess();
        var fields = new double[]
        {
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            self.TotalProcessorTime.TotalMilliseconds,
            ThreadPool.CompletedWorkItemCount,
            ThreadPool.ThreadCount,
            ThreadPool.PendingWorkItemCount,
            Monitor.LockContentionCount,
            AppDomain.CurrentDomain.GetAssemblies().Length,
            GC.GetTotalPauseDuration().TotalMilliseconds,
            Environment.WorkingSet,
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
            self.PrivilegedProcessorTime.TotalMilliseconds,
        };
        return string.Join(' ', fields.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
    }

    /// <summary>What each number of <see cref="Take"/> is, in order.</summary>
    public static readonly string[] Fields =
    [
        "allocated", "gen0", "gen1", "gen2", "cpuMs", "poolItems", "poolThreads", "poolQueue", "lockWaits", "assemblies", "gcPauseMs", "workingSet", "jitMethods", "jitMs", "kernelMs",
    ];

    /// <summary>The GC pauses since the last call, as "start-ticks:ms" pairs (UTC ticks).</summary>
    public static string TakePauses()
    {
        if (s_instance is not { } meter)
        {
            return string.Empty;
        }

        lock (meter._gate)
        {
            var text = string.Join(' ', meter._pauses.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Start.Ticks}:{p.Ms:F3}")));
            meter._pauses.Clear();
            return text;
        }
    }

    /// <summary>The sampled allocations since the last call, the largest types first, as "type=bytes" (at most 15).</summary>
    public static string TakeAllocations()
    {
        if (s_instance is not { } meter)
        {
            return string.Empty;
        }

        lock (meter._gate)
        {
            var text = string.Join(' ', meter._allocations.OrderByDescending(a => a.Value).Take(15).Select(a => $"{a.Key.Replace(' ', '_')}={a.Value}"));
            meter._allocations.Clear();
            return text;
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // Keyword 0x1: GC. Verbose adds AllocationTick.
            EnableEvents(eventSource, s_sampleAllocations ? EventLevel.Verbose : EventLevel.Informational, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        try
        {
            lock (_gate)
            {
                switch (eventData.EventId)
                {
                    case GcSuspendBegin:
                        _suspendedAt = eventData.TimeStamp.ToUniversalTime();
                        break;
                    case GcRestartEnd when _suspendedAt is { } start:
                        _pauses.Add((start, (eventData.TimeStamp.ToUniversalTime() - start).TotalMilliseconds));
                        _suspendedAt = null;
                        break;
                    case AllocationTick when eventData.Payload is { } payload:
                        var type = Value(eventData, payload, "TypeName") as string ?? "?";
                        var amount = Convert.ToInt64(Value(eventData, payload, "AllocationAmount64") ?? Value(eventData, payload, "AllocationAmount") ?? 0L, CultureInfo.InvariantCulture);
                        _allocations[type] = _allocations.GetValueOrDefault(type) + amount;
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
        {
            // A payload of an unexpected shape is skipped; the meter must never break the process it measures.
        }
    }

    private static object? Value(EventWrittenEventArgs e, IReadOnlyList<object?> payload, string name)
    {
        var at = e.PayloadNames?.IndexOf(name) ?? -1;
        return at >= 0 && at < payload.Count ? payload[at] : null;
    }
}
