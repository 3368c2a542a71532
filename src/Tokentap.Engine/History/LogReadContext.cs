// What a log reader writes to while it reads lines of one file: the events found, the skipped count, the state.
namespace Tokentap.Engine.History;

/// <summary>The per-file side of a read: the file, its carried-over state, and what the lines produced.</summary>
public sealed class LogReadContext
{
    private readonly Dictionary<Guid, UsageEvent> _byId = [];

    public LogReadContext(string path, LogFileState state)
    {
        FilePath = path;
        State = state;
    }

    /// <summary>The log file being read.</summary>
    public string FilePath { get; }

    /// <summary>The reader's state for this file (updated as lines are read).</summary>
    public LogFileState State { get; }

    /// <summary>Lines that were not understood (not JSON, an unknown record type, a usage record missing its numbers).</summary>
    public long SkippedLines { get; set; }

    /// <summary>The events found so far, in log order, one per billed call (a call logged on several lines is merged).</summary>
    public List<UsageEvent> Events { get; } = [];

    /// <summary>Adds an event, or when one with the same id was already found in this read, gives that one back instead
    /// (so the caller can merge the later line's figures into it).</summary>
    public UsageEvent Add(UsageEvent usageEvent)
    {
        if (_byId.TryGetValue(usageEvent.Id, out var earlier))
        {
            return earlier;
        }

        _byId.Add(usageEvent.Id, usageEvent);
        Events.Add(usageEvent);
        return usageEvent;
    }

    /// <summary>Starts a new slice of events (the previous ones were handed on); ids seen stay known to the state only.</summary>
    public void ClearEvents()
    {
        Events.Clear();
        _byId.Clear();
    }
}
