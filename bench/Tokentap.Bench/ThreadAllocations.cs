// The types one thread allocates most (the runtime's AllocationTick samples, one per about 100 KB), for the hotpath scenario.
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Tokentap.Bench;

/// <summary>Sums AllocationTick samples per type for the thread that created it (Linux: its kernel thread id; keyword 0x1: GC).</summary>
internal sealed class ThreadAllocations() : RuntimeEventTally((EventKeywords)0x1)
{
    private const int AllocationTick = 10;
    private readonly long _thread = GetTid();

    protected override (string Name, long Amount)? OnRuntimeEvent(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTick || eventData.OSThreadId != _thread)
        {
            return null;
        }

        return (Field(eventData, "TypeName") as string ?? "?", Convert.ToInt64(Field(eventData, "AllocationAmount64") ?? 0L, CultureInfo.InvariantCulture));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
