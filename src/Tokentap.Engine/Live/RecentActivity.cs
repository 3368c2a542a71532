// The events of the last half hour, for the burn rate (last 15 minutes) and the active sessions' context gauges.
namespace Tokentap.Engine.Live;

/// <summary>Events in time order (equal timestamps in store order), dropped once they are older than the horizon.</summary>
internal sealed class RecentActivity
{
    private readonly List<UsageEvent> _events = new();

    public IReadOnlyList<UsageEvent> Events => _events;

    /// <summary>Adds an event stored after every event held.</summary>
    public void Add(UsageEvent usageEvent)
    {
        var ticks = usageEvent.Timestamp.Ticks;
        var index = _events.Count;
        while (index > 0 && _events[index - 1].Timestamp.Ticks > ticks)
        {
            index--;
        }

        _events.Insert(index, usageEvent);
    }

    /// <summary>Drops the events before an instant; true when any was dropped.</summary>
    public bool DropBefore(long ticks)
    {
        var count = 0;
        while (count < _events.Count && _events[count].Timestamp.Ticks < ticks)
        {
            count++;
        }

        _events.RemoveRange(0, count);
        return count > 0;
    }

    /// <summary>The number of events at or after an instant.</summary>
    public int CountSince(long ticks)
    {
        var count = 0;
        for (var i = _events.Count - 1; i >= 0 && _events[i].Timestamp.Ticks >= ticks; i--)
        {
            count++;
        }

        return count;
    }
}
