// A listener to the runtime's own events that sums an amount per name (method compiled, type allocated).
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Tokentap.Bench;

/// <summary>
/// Listens to the runtime's event source with one keyword and sums what <see cref="OnRuntimeEvent"/> reports per name,
/// until <see cref="Take"/> returns the largest sums and starts over.
/// </summary>
internal abstract class RuntimeEventTally(EventKeywords keywords) : EventListener
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _sums = new(StringComparer.Ordinal);

    /// <summary>The sums since the last call, largest first, as "amount name" lines (at most <paramref name="top"/>).</summary>
    public IEnumerable<string> Take(int top)
    {
        lock (_gate)
        {
            var lines = _sums.OrderByDescending(s => s.Value).Take(top)
                .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value,12:N0} {s.Key}")).ToList();
            if (Heading(_sums.Values.Sum(), _sums.Count) is { } heading)
            {
                lines.Insert(0, heading);
            }

            _sums.Clear();
            return lines;
        }
    }

    /// <summary>A first line for <see cref="Take"/> from the total and the number of names, or null for none.</summary>
    protected virtual string? Heading(long total, int names) => null;

    /// <summary>The name and amount an event of the runtime adds, or null when it adds nothing.</summary>
    protected abstract (string Name, long Amount)? OnRuntimeEvent(EventWrittenEventArgs eventData);

    /// <summary>The event's payload field of that name, or null.</summary>
    protected static object? Field(EventWrittenEventArgs eventData, string name) =>
        eventData.PayloadNames?.IndexOf(name) is >= 0 and var at && eventData.Payload is { } payload ? payload[at] : null;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, keywords);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (OnRuntimeEvent(eventData) is not { } added)
        {
            return;
        }

        lock (_gate)
        {
            _sums[added.Name] = _sums.GetValueOrDefault(added.Name) + added.Amount;
        }
    }
}
