// The N newest events of the live window, kept in the order a newest-first query would return them.
namespace Tokentap.Engine.Live;

/// <summary>
/// At most <c>capacity</c> events, newest first by timestamp; among equal timestamps the one stored later comes
/// first (as the store's newest-first order has it). An event already held (same Id) is not added twice, so a tail
/// that overlaps the initial query is harmless.
/// </summary>
internal sealed class NewestEvents
{
    private readonly int _capacity;
    private readonly List<UsageEvent> _items = new();
    private readonly HashSet<Guid> _ids = new();

    public NewestEvents(int capacity) => _capacity = capacity;

    public IReadOnlyList<UsageEvent> Items => _items;

    /// <summary>Appends events given newest first (a query's result), keeping the capacity.</summary>
    public void AddNewestFirst(IEnumerable<UsageEvent> events)
    {
        foreach (var usageEvent in events)
        {
            if (_items.Count >= _capacity)
            {
                break;
            }

            if (_ids.Add(usageEvent.Id))
            {
                _items.Add(usageEvent);
            }
        }
    }

    /// <summary>Offers an event stored after every event held; true when it became one of the newest.</summary>
    public bool Offer(UsageEvent usageEvent)
    {
        if (_capacity == 0 || _ids.Contains(usageEvent.Id))
        {
            return false;
        }

        var ticks = usageEvent.Timestamp.Ticks;
        var index = _items.FindIndex(e => e.Timestamp.Ticks <= ticks);
        if (index < 0)
        {
            if (_items.Count >= _capacity)
            {
                return false;
            }

            index = _items.Count;
        }

        _items.Insert(index, usageEvent);
        _ids.Add(usageEvent.Id);
        if (_items.Count > _capacity)
        {
            _ids.Remove(_items[^1].Id);
            _items.RemoveAt(_items.Count - 1);
        }

        return true;
    }

    /// <summary>Drops the events before an instant; true when any was dropped.</summary>
    public bool DropBefore(long ticks)
    {
        var removed = _items.RemoveAll(e =>
        {
            if (e.Timestamp.Ticks >= ticks)
            {
                return false;
            }

            _ids.Remove(e.Id);
            return true;
        });
        return removed > 0;
    }
}
