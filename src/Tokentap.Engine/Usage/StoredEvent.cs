// A stored event with the position (commit order) the store gave it, and their time order.
using System.Runtime.CompilerServices;

namespace Tokentap.Engine.Usage;

/// <summary>A stored event and the position (commit order) the store gave it.</summary>
internal readonly record struct StoredEvent(long Position, UsageEvent Event)
{
    /// <summary>The event's UTC ticks (timestamps are stored and read back as UTC).</summary>
    public long Ticks
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => UsageKeys.UtcTicks(Event.Timestamp);
    }

    /// <summary>Time order: timestamp, then position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Compare(StoredEvent a, StoredEvent b)
    {
        var byTime = a.Ticks.CompareTo(b.Ticks);
        return byTime != 0 ? byTime : a.Position.CompareTo(b.Position);
    }
}
