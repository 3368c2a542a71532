// The types one thread allocates most (the runtime's AllocationTick samples, one per about 100 KB), for the hotpath scenario.
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Tokentap.Bench;

/// <summary>Sums AllocationTick samples per type for the thread that created it (Linux: its kernel thread id).</summary>
internal sealed class ThreadAllocations : EventListener
{
    private const int AllocationTick = 10;
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _types = new(StringComparer.Ordinal);
    private readonly long _thread = GetTid();

    /// <summary>The types sampled since the last call, largest first, as "bytes type" lines (at most <paramref name="top"/>).</summary>
    public IEnumerable<string> Take(int top)
    {
        lock (_gate)
        {
            var lines = _types.OrderByDescending(t => t.Value).Take(top).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Value,12:N0} {t.Key}")).ToList();
            _types.Clear();
            return lines;
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTick || eventData.OSThreadId != _thread || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(payload[a], CultureInfo.InvariantCulture) : 0;
        lock (_gate)
        {
            _types[type] = _types.GetValueOrDefault(type) + amount;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
