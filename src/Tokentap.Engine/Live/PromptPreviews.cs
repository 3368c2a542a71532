// The live view's prompt previews while content capture is on: read once per request from the content store, cached.
using Tokentap.Engine.Content;

namespace Tokentap.Engine.Live;

/// <summary>
/// A bounded cache of previews by event id. A request is read from the content store when it first appears in a list
/// (<see cref="Update"/>), never again while it stays cached; the least recently listed ones leave when the cache is
/// over <see cref="Capacity"/>. The content writer may store a call's content a moment after its usage event, so a
/// request that appeared after the first update and had no content is looked up again a few times, at growing
/// intervals (<see cref="RetryDelays"/>). A content file that cannot be read counts as no content: the view goes on.
/// Created only when capture is on; with capture off the live view has none and never touches the content store.
/// Not thread-safe: the snapshot builder's one caller uses it.
/// </summary>
internal sealed class PromptPreviews
{
    /// <summary>After a miss, when to look again (from the request's first appearance); then never.</summary>
    public static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10)];

    private readonly Func<Guid, string?> _read;
    private readonly Dictionary<Guid, Entry> _entries = new();
    private long _generation;

    /// <param name="read">The preview of an event's stored content; null when none is stored.</param>
    /// <param name="capacity">The most previews kept.</param>
    public PromptPreviews(Func<Guid, string?> read, int capacity)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _read = read;
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Entries cached now (found or not).</summary>
    public int Count => _entries.Count;

    /// <summary>Content store reads done so far.</summary>
    public long Reads { get; private set; }

    /// <summary>Previews read from a data folder's content store (redacted when they were written).</summary>
    public static PromptPreviews From(TokentapPaths paths, int capacity)
    {
        var store = ContentStore.In(paths);
        return new PromptPreviews(id => store.Read(id) is { } record ? PromptPreview.Of(ContentView.From(record)) : null, capacity);
    }

    /// <summary>
    /// Reads the previews of the requests not cached yet (and retries recent misses that are due); returns true when a
    /// preview was found, so the screen has something new to show.
    /// </summary>
    public bool Update(IEnumerable<UsageEvent> requests, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var first = _generation++ == 0;
        var found = false;
        foreach (var request in requests)
        {
            if (!_entries.TryGetValue(request.Id, out var entry))
            {
                entry = new Entry { FirstSeenUtc = nowUtc, Retries = first ? RetryDelays.Length : 0 };
                _entries[request.Id] = entry;
                found |= Read(request.Id, entry);
            }
            else if (entry.Text is null && entry.Retries < RetryDelays.Length && nowUtc - entry.FirstSeenUtc >= RetryDelays[entry.Retries])
            {
                entry.Retries++;
                found |= Read(request.Id, entry);
            }

            entry.Generation = _generation;
        }

        if (_entries.Count > Capacity)
        {
            foreach (var stale in _entries.OrderBy(e => e.Value.Generation).Take(_entries.Count - Capacity).Select(e => e.Key).ToList())
            {
                _entries.Remove(stale);
            }
        }

        return found;
    }

    /// <summary>The cached previews of these requests (no reads), by event id.</summary>
    public IReadOnlyDictionary<Guid, string> For(IEnumerable<UsageEvent> requests)
    {
        var previews = new Dictionary<Guid, string>();
        foreach (var request in requests)
        {
            if (_entries.TryGetValue(request.Id, out var entry) && entry.Text is { } text)
            {
                previews[request.Id] = text;
            }
        }

        return previews;
    }

    private bool Read(Guid id, Entry entry)
    {
        Reads++;
        try
        {
            entry.Text = _read(id);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            // A damaged or unreadable file: no preview for this request, and no further attempts.
            entry.Retries = RetryDelays.Length;
            entry.Text = null;
        }

        return entry.Text is not null;
    }

    private sealed class Entry
    {
        public string? Text { get; set; }

        public DateTime FirstSeenUtc { get; init; }

        public int Retries { get; set; }

        public long Generation { get; set; }
    }
}
