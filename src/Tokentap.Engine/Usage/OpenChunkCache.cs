// The recorder's open chunks kept between batches, so a batch appends without reading and decoding them again.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// After a committed recorder batch, the chunk of each hour that still has room is remembered here as it was written:
/// its _id, its encoded bytes and its events. The next batch of the same hour reads only that one document and uses
/// the remembered events when the stored bytes are still exactly the remembered ones; anything else (another process
/// appended to or rewrote the chunk, retention removed it, the commit never reached the file) makes the batch find
/// and decode the open chunk from the file as before. So what a batch merges with is always what is on disk.
/// <para>
/// Only the recorder's writes use it: the events it keeps are the ones published to the recorder, which nothing
/// changes after publishing. Used by one writer at a time (the recorder's writer thread).
/// </para>
/// </summary>
internal sealed class OpenChunkCache
{
    private readonly object _gate = new();
    private Dictionary<long, Entry> _hours = [];

    /// <summary>How many batches found their open chunk here (for tests).</summary>
    public int Hits { get; private set; }

    /// <summary>
    /// Takes the remembered open chunk of <paramref name="hour"/> when the file still holds exactly it: its events are
    /// added to <paramref name="into"/> and the chunk's _id is returned. Null when there is none or it changed.
    /// </summary>
    public BsonValue? TryTake(LiteEngine engine, long hour, List<StoredEvent> into)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_hours.Remove(hour, out entry))
            {
                return null;
            }
        }

        var stored = UsageChunkDocument.Find(engine, entry.Id);
        if (stored is null
            || UsageChunkDocument.HourOf(stored) != hour
            || !stored.TryGetValue(UsageChunkDocument.Data, out var data)
            || !data.IsBinary
            || !data.AsBinary.AsSpan().SequenceEqual(entry.Data))
        {
            return null;
        }

        into.AddRange(entry.Events);
        lock (_gate)
        {
            Hits++;
        }

        return stored[UsageChunkDocument.Id];
    }

    /// <summary>Remembers the open chunks a committed batch wrote, in place of everything remembered before.</summary>
    public void Replace(Dictionary<long, Entry> written)
    {
        lock (_gate)
        {
            _hours = written;
        }
    }

    /// <summary>Forgets everything (a batch failed: what it wrote may not be in the file).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _hours = [];
        }
    }

    /// <summary>An open chunk as written: its _id, bytes and events (in the chunk's time order).</summary>
    internal sealed record Entry(long Id, byte[] Data, StoredEvent[] Events);
}
