// The usage store: the LiteDB file every pwsh process shares, with queries, summaries, retention, tail and import.
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>
/// The durable record of usage events at <see cref="TokentapPaths.DatabasePath"/>. Safe to use from several threads
/// and several processes at once: every call is one or more short units of work under the database lock. Query
/// results stream; a slow consumer holds no lock between pages.
/// </summary>
public sealed class UsageStore : IDisposable
{
    /// <summary>How long a call waits for the lock by default before <see cref="UsageStoreBusyException"/>.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(10);

    private const int WriteChunk = 1000;

    // Free space a write needs before it starts: pages of rollups and labels, plus the events' chunk
    // bytes written twice (log, then data file), with a wide margin (events take 100 to 300 bytes in a chunk).
    private const long WriteReserve = 256 * 1024;
    private const long WriteBytesPerEvent = 1024;

    // Retention works through chunks in transactions of about this many (whole hours).
    private const int RemoveChunks = 16;

    private readonly UsageDatabase _database;
    private readonly UsageScanner _scanner;
    private readonly UsageSummarizer _summarizer;
    private readonly OpenChunkCache _openChunks = new();

    /// <summary>Opens (lazily: the file is created on first use) the store at a path.</summary>
    public UsageStore(string databasePath, TimeSpan? lockTimeout = null)
        : this(databasePath, lockTimeout, migrationSlice: null)
    {
    }

    /// <summary>A store whose schema migrations hold the lock at most <paramref name="migrationSlice"/> at a time.</summary>
    internal UsageStore(string databasePath, TimeSpan? lockTimeout, TimeSpan? migrationSlice)
    {
        _database = new UsageDatabase(databasePath, lockTimeout ?? DefaultLockTimeout, migrationSlice);
        _database.Recovered += recovery => Recovered?.Invoke(recovery);
        _database.Salvaged += salvage => Salvaged?.Invoke(salvage);
        _scanner = new UsageScanner(_database);
        _summarizer = new UsageSummarizer(_scanner);
    }

    /// <summary>The recorder's open chunks kept between its batches (see <see cref="OpenChunkCache"/>).</summary>
    internal OpenChunkCache OpenChunks => _openChunks;

    /// <summary>The schema version this engine reads and writes.</summary>
    public static int SchemaVersion => UsageSchema.CurrentVersion;

    /// <summary>The database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <summary>How many times a schema migration run by this instance let go of the lock with work left.</summary>
    internal int MigrationSlicesLeftUnfinished => _database.MigrationSlicesLeftUnfinished;

    /// <summary>The last damaged file this instance set aside, if any.</summary>
    public UsageStoreRecovery? LastRecovery => _database.LastRecovery;

    /// <summary>Raised after a damaged file was set aside and replaced (on the thread that found the damage).</summary>
    public event Action<UsageStoreRecovery>? Recovered;

    /// <summary>The last salvage of a damaged file (its readable events copied into the fresh store), if any.</summary>
    public UsageStoreSalvage? LastSalvage => _database.LastSalvage;

    /// <summary>Raised on a background thread when a salvage finished, with the counts of saved and lost events.</summary>
    public event Action<UsageStoreSalvage>? Salvaged;

    /// <summary>The schema version recorded in the file (creating or migrating it first).</summary>
    public int ReadSchemaVersion() => _database.Execute(UsageSchema.ReadVersion);

    /// <summary>
    /// Writes events in one transaction. Events whose <see cref="UsageEvent.UniqueKey"/> (the event id) is already
    /// stored (or repeated in the batch) are skipped, so a retried write never counts twice; events with distinct ids
    /// are always stored, whatever provider ids they share. Usage numbers beyond <see cref="UsageBounds"/> are zeroed
    /// and flagged first. Returns after LiteDB has the batch on disk.
    /// </summary>
    public UsageWriteResult Write(IReadOnlyList<UsageEvent> events) => Write(events, fence: null);

    /// <summary>
    /// <see cref="Write(IReadOnlyList{UsageEvent})"/> for the recorder: with a fence, the write can be declared hung
    /// and its lock released, after which it can no longer touch the files (see <see cref="UsageWriteFence"/>). Only the
    /// recorder's first attempt of a batch of new ids passes <see cref="UsageDuplicateCheck.NoneForFreshIds"/>.
    /// </summary>
    internal UsageWriteResult Write(IReadOnlyList<UsageEvent> events, UsageWriteFence? fence, UsageDuplicateCheck check = UsageDuplicateCheck.StoredEvents)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var usageEvent in events)
        {
            // Imports come here without the recorder: the same bound applies to them (see UsageBounds).
            UsageBounds.Enforce(usageEvent);
        }

        return events.Count == 0
            ? new UsageWriteResult(0, 0, 0, 0)
            : fence is null
                ? _database.Execute(engine => UsageWriter.Insert(engine, events), WriteReserve + (events.Count * WriteBytesPerEvent))
                : _database.Execute(engine => UsageWriter.Insert(engine, events, openChunks: _openChunks, check: check), WriteReserve + (events.Count * WriteBytesPerEvent), fence);
    }

    /// <summary>Writes events and conversation links onto stored events in one transaction (see <see cref="ImportLogged"/>).</summary>
    private UsageWriteResult WriteLinked(IReadOnlyList<UsageEvent> events, IReadOnlyList<UsageLink> links)
    {
        foreach (var usageEvent in events)
        {
            UsageBounds.Enforce(usageEvent);
        }

        // A link rewrites the chunk its event sits in; the linked calls of one log batch are close in time, so they
        // share few chunks, and a linked event is reserved for like an added one.
        return _database.Execute(engine => UsageWriter.Insert(engine, events, links), WriteReserve + ((events.Count + links.Count) * WriteBytesPerEvent));
    }

    /// <summary>Writes a sequence of events (an import) in transactions of 1,000; already stored events are skipped.</summary>
    public UsageImportResult Import(IEnumerable<UsageEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        long imported = 0, duplicates = 0;
        foreach (var chunk in events.Chunk(WriteChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = Write(chunk);
            imported += result.Inserted;
            duplicates += result.Duplicates;
        }

        return new UsageImportResult(imported, duplicates);
    }

    /// <summary>
    /// Offers events read from agent logs: the ones the proxy already captured live are not added (the proxy's figures
    /// stay; the pairs are compared, and the live events get the log's conversation id, turn number and turn start),
    /// the rest are written like any import (already stored ids are skipped). The links are written in the transaction
    /// of the first events added (alone when there are none). With <paramref name="dryRun"/> nothing is written and the
    /// counts say what would happen.
    /// </summary>
    public LoggedImportResult ImportLogged(IReadOnlyList<UsageEvent> events, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(events);
        var (unmatched, links, counts) = UsageReconciler.Split(_scanner, events);
        if (dryRun)
        {
            var distinct = unmatched.DistinctBy(UsageKeys.KeyOf).ToList();
            var stored = distinct.Count == 0 ? [] : _database.Execute(engine => UsageWriter.StoredKeys(engine, distinct));
            return counts with { Added = distinct.Count - stored.Count, Duplicates = unmatched.Count - distinct.Count + stored.Count };
        }

        long added = 0, duplicates = 0, linked = 0;
        var batches = unmatched.Chunk(WriteChunk).ToList();
        if (batches.Count == 0 && links.Count > 0)
        {
            batches.Add([]);
        }

        for (var i = 0; i < batches.Count; i++)
        {
            var result = WriteLinked(batches[i], i == 0 ? links : []);
            added += result.Inserted;
            duplicates += result.Duplicates;
            linked += result.Linked;
        }

        return counts with { Added = added, Duplicates = duplicates, Linked = linked };
    }

    /// <summary>
    /// Streams the matching events. With <paramref name="last"/>, only the N most recent matching events, still in
    /// <paramref name="order"/>. Nothing is read until enumeration starts, and only as far as it goes.
    /// </summary>
    public IEnumerable<UsageEvent> Query(UsageFilter filter, UsageOrder order = UsageOrder.NewestFirst, int? last = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (last is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(last), last, "Last must be zero or more.");
        }

        return QueryIterator(new UsageFilterMatcher(filter), order, last);
    }

    /// <summary>Totals of the matching events grouped by the given dimensions (none: one row of everything).</summary>
    /// <param name="filter">The events to add up.</param>
    /// <param name="groupBy">Any combination of dimensions; Day and Hour use <paramref name="timeZone"/>.</param>
    /// <param name="timeZone">The zone whose days and hours are used; the local zone when null.</param>
    /// <param name="options">Week start, the time blocks are judged at, cache savings; <see cref="SummaryOptions.Default"/> when null.</param>
    public IReadOnlyList<UsageSummaryRow> Summarize(UsageFilter filter, IReadOnlyCollection<UsageGroupBy>? groupBy = null, TimeZoneInfo? timeZone = null, SummaryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return _summarizer.Summarize(filter, groupBy ?? [], timeZone ?? TimeZoneInfo.Local, options ?? SummaryOptions.Default);
    }

    /// <summary>The number of matching events (from rollups; cheap).</summary>
    public long Count(UsageFilter filter) => Summarize(filter).Sum(r => r.Requests);

    /// <summary>
    /// Retention: removes the events strictly before <paramref name="before"/> that also match <paramref name="filter"/>,
    /// in transactions of a few thousand events so writers are not held up. With <paramref name="dryRun"/> only counts them.
    /// </summary>
    /// <returns>The number of events removed (or that would be).</returns>
    public long Remove(DateTime before, UsageFilter? filter = null, bool dryRun = false)
    {
        filter ??= UsageFilter.All;
        var bounded = filter with { Until = filter.Until is { } until && UsageFilterMatcher.ToUtcTicks(until) < UsageFilterMatcher.ToUtcTicks(before) ? until : before };
        if (dryRun)
        {
            return Count(bounded);
        }

        var matcher = new UsageFilterMatcher(bounded);
        long removed = 0;
        foreach (var range in _scanner.Plan(matcher))
        {
            var first = UsageKeys.HourOf(range.Start);
            var last = UsageKeys.HourOf(range.End - 1);
            while (first <= last)
            {
                var from = first;
                var (deleted, page) = _database.Execute(engine =>
                {
                    var page = UsageHourCheck.Verified(engine, UsageScanner.ReadHours(engine, from, last, descending: false, RemoveChunks), from, last, descending: false);
                    var deleted = UsageWriter.Remove(engine, page.Chunks, e => e.Ticks >= range.Start && e.Ticks < range.End && matcher.Matches(e.Ticks, e.Event));
                    return (deleted, page);
                });
                removed += deleted;
                if (page.Complete)
                {
                    break;
                }

                first = page.NextHour;
            }
        }

        if (removed > 0)
        {
            _database.Execute(engine =>
            {
                UsageWriter.RebuildLabels(engine);
                return true;
            });
        }

        return removed;
    }

    /// <summary>
    /// Removes (or with <paramref name="dryRun"/> counts) the stored copies of these events (matched by unique key and
    /// day, as Get-TokenUsage returned them).
    /// </summary>
    public long Remove(IEnumerable<UsageEvent> events, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(events);
        long removed = 0;
        // The stored key holds the UTC day, so a stored copy may sit in any hour of the event's day.
        var byDay = events
            .Select(e => (Day: UsageKeys.UtcTicks(e.Timestamp) / TimeSpan.TicksPerDay, Key: UsageKeys.KeyOf(e)))
            .GroupBy(k => k.Day, k => k.Key)
            .OrderBy(g => g.Key);
        foreach (var day in byDay)
        {
            var keys = day.ToHashSet();
            var firstHour = day.Key * 24;
            removed += _database.Execute(engine =>
            {
                var chunks = UsageHourCheck.Verified(engine, UsageScanner.ReadHours(engine, firstHour, firstHour + 23, descending: false, int.MaxValue), firstHour, firstHour + 23, descending: false).Chunks;
                return UsageWriter.Remove(engine, chunks, e => keys.Contains(UsageKeys.KeyOf(e.Event)), dryRun);
            });
        }

        if (removed > 0 && !dryRun)
        {
            _database.Execute(engine =>
            {
                UsageWriter.RebuildLabels(engine);
                return true;
            });
        }

        return removed;
    }

    /// <summary>The position of the newest stored event (0 when empty): where a tail starts.</summary>
    public long GetLastPosition() => _database.Execute(UsageWriter.LastPosition);

    /// <summary>
    /// The live tail: events stored after <paramref name="position"/>, oldest first, at most <paramref name="max"/>
    /// read. The returned position covers every event read, matching the filter or not.
    /// </summary>
    public UsageTailPage ReadAfter(long position, UsageFilter? filter = null, int max = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var matcher = new UsageFilterMatcher(filter ?? UsageFilter.All);
        var (oldest, total) = _database.Execute(engine =>
        {
            // Every event above the position is in a chunk whose _id is above it (see UsageChunkDocument). Only the
            // max lowest positions are kept (a heap whose top is the highest kept), however far behind the caller is.
            var query = new Query();
            query.Where.Add(BsonExpression.Create("$._id > @0", position));
            var kept = new PriorityQueue<StoredEvent, long>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
            var chunk = new List<StoredEvent>();
            var total = 0L;
            using var reader = engine.Query(UsageSchema.Chunks, query);
            while (reader.Read())
            {
                chunk.Clear();
                UsageChunkDocument.ReadEvents(reader.Current.AsDocument, chunk);
                foreach (var e in chunk.Where(e => e.Position > position))
                {
                    total++;
                    if (kept.Count < max)
                    {
                        kept.Enqueue(e, e.Position);
                    }
                    else if (e.Position < kept.Peek().Position)
                    {
                        kept.EnqueueDequeue(e, e.Position);
                    }
                }
            }

            var oldest = kept.UnorderedItems.Select(x => x.Element).ToList();
            oldest.Sort((a, b) => a.Position.CompareTo(b.Position));
            return (oldest, total);
        });
        var next = oldest.Count > 0 ? oldest[^1].Position : position;
        return new UsageTailPage(oldest.Where(e => matcher.Matches(e.Ticks, e.Event)).Select(e => e.Event).ToList(), next, total > max);
    }

    /// <summary>
    /// The start of a tail: the newest <paramref name="max"/> events with a timestamp at or after
    /// <paramref name="since"/> (oldest first) and the current last position to continue from with
    /// <see cref="ReadAfter"/>. HasMore says older events of the window were left out.
    /// </summary>
    public UsageTailPage ReadSince(DateTime since, UsageFilter? filter = null, int max = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var matcher = new UsageFilterMatcher((filter ?? UsageFilter.All) with { Since = since });
        var position = GetLastPosition();
        var newest = _scanner.Scan(_scanner.Plan(matcher), matcher, descending: true).Take(max + 1).ToList();
        var hasMore = newest.Count > max;
        var events = newest.Take(max).Where(d => d.Position <= position).Select(d => d.Event).Reverse().ToList();
        return new UsageTailPage(events, position, hasMore);
    }

    /// <summary>The distinct values of a label, sorted (for tab completion). Reads a small list, never the events.</summary>
    public IReadOnlyList<string> GetValues(UsageField field) => _database.Execute(engine =>
    {
        var values = new List<string>();
        var query = new Query();
        query.Where.Add(BsonExpression.Create("$." + UsageLabelDocument.Field + " = @0", (int)field));
        using var reader = engine.Query(UsageSchema.Values, query);
        while (reader.Read())
        {
            values.Add(reader.Current[UsageLabelDocument.Value].AsString);
        }

        values.Sort(StringComparer.OrdinalIgnoreCase);
        return (IReadOnlyList<string>)values;
    });

    public void Dispose() => _database.Dispose();

    private IEnumerable<UsageEvent> QueryIterator(UsageFilterMatcher matcher, UsageOrder order, int? last)
    {
        if (last is { } count)
        {
            var newest = _scanner.Scan(_scanner.Plan(matcher), matcher, descending: true).Take(count).Select(e => e.Event).ToList();
            if (order == UsageOrder.OldestFirst)
            {
                newest.Reverse();
            }

            foreach (var usageEvent in newest)
            {
                yield return usageEvent;
            }

            yield break;
        }

        foreach (var stored in _scanner.Scan(_scanner.Plan(matcher), matcher, order == UsageOrder.NewestFirst))
        {
            yield return stored.Event;
        }
    }
}
