// Reads stored events in time order, whole hours of chunks per lock, narrowed to the hours that rollups say can match.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Streams events through the hour index of the chunks. Each page is read in its own short unit of work, so a reader
/// that is slow to consume (a pipeline, a paused view) never holds the lock writers need. Pages hold whole hours (the
/// events of an hour may be spread over several chunks written at different times, and are sorted together).
/// </summary>
internal sealed class UsageScanner
{
    // A first page of 2 chunks keeps "Last 10" cheap; pages then grow 8-fold to 128 chunks (about 32,000 events held
    // as encoded bytes, some 5 MB, decoded an hour at a time). Every unit of work opens the engine afresh, and each
    // open builds LiteDB's page cache anew, so fewer, larger pages cost the garbage collector far less.
    private const int FirstPageChunks = 2;
    private const int PageGrowth = 8;
    private const int MaxPageChunks = 128;

    private readonly UsageDatabase _database;

    public UsageScanner(UsageDatabase database) => _database = database;

    /// <summary>
    /// The tick ranges that can hold matching events: the whole filter range, or, when labels or status are filtered,
    /// only the hours whose rollup rows match (consecutive hours merged).
    /// </summary>
    public List<TickRange> Plan(UsageFilterMatcher matcher)
    {
        var ranges = new List<TickRange>();
        if (matcher.IsEmptyRange)
        {
            return ranges;
        }

        if (!matcher.HasLabelConditions)
        {
            ranges.Add(new TickRange(matcher.SinceTicks, matcher.UntilTicks));
            return ranges;
        }

        var hours = new SortedSet<long>();
        foreach (var row in ReadRollups(UsageKeys.HourOf(matcher.SinceTicks), UsageKeys.HourOf(matcher.UntilTicks - 1)))
        {
            if (matcher.Matches(row))
            {
                hours.Add(row.HourNumber);
            }
        }

        return ToRanges(hours, matcher.SinceTicks, matcher.UntilTicks);
    }

    /// <summary>Merges hour numbers into tick ranges, clipped to [since, until).</summary>
    public static List<TickRange> ToRanges(IEnumerable<long> sortedHours, long since, long until)
    {
        var ranges = new List<TickRange>();
        foreach (var hour in sortedHours)
        {
            var start = Math.Max(hour * TimeSpan.TicksPerHour, since);
            var end = Math.Min((hour + 1) * TimeSpan.TicksPerHour, until);
            if (start >= end)
            {
                continue;
            }

            if (ranges.Count > 0 && ranges[^1].End == start)
            {
                ranges[^1] = ranges[^1] with { End = end };
            }
            else
            {
                ranges.Add(new TickRange(start, end));
            }
        }

        return ranges;
    }

    /// <summary>Rollup rows of the hours [firstHour, lastHour], read in one unit of work.</summary>
    public List<UsageRollupDocument> ReadRollups(long firstHour, long lastHour) => _database.Read(engine =>
    {
        var rows = new List<UsageRollupDocument>();
        var query = new Query();
        query.Where.Add(BsonExpression.Create("$." + UsageRollupDocument.Hour + " BETWEEN @0 AND @1", firstHour, lastHour));
        using var reader = engine.Query(UsageSchema.Rollups, query);
        while (reader.Read())
        {
            rows.Add(UsageRollupDocument.FromDocument(reader.Current.AsDocument));
        }

        return rows;
    });

    /// <summary>
    /// The matching events of the ranges in time order (ranges must be given in ascending order; descending reverses
    /// everything). Each unit of work reads the chunks of whole hours and yields their events sorted by time and position.
    /// </summary>
    public IEnumerable<StoredEvent> Scan(IReadOnlyList<TickRange> ranges, UsageFilterMatcher matcher, bool descending)
    {
        var limit = FirstPageChunks;
        var events = new List<StoredEvent>();
        for (var r = 0; r < ranges.Count; r++)
        {
            var range = ranges[descending ? ranges.Count - 1 - r : r];
            var first = UsageKeys.HourOf(range.Start);
            var last = UsageKeys.HourOf(range.End - 1);
            while (first <= last)
            {
                var chunkLimit = limit;
                var page = _database.Read(engine => UsageHourCheck.Verified(engine, ReadHours(engine, first, last, descending, chunkLimit), first, last, descending));

                // The page's chunks come in hour order; each hour is decoded only when the consumer gets to it.
                for (var start = 0; start < page.Chunks.Count;)
                {
                    var hour = UsageChunkDocument.HourOf(page.Chunks[start]);
                    var end = start;
                    events.Clear();
                    for (; end < page.Chunks.Count && UsageChunkDocument.HourOf(page.Chunks[end]) == hour; end++)
                    {
                        ReadEvents(page.Chunks[end], events, matcher);
                        page.Chunks[end] = null!;
                    }

                    start = end;
                    events.RemoveAll(e => e.Ticks < range.Start || e.Ticks >= range.End);
                    events.Sort(descending ? (a, b) => StoredEvent.Compare(b, a) : StoredEvent.Compare);
                    foreach (var stored in events)
                    {
                        yield return stored;
                    }
                }

                if (page.Complete)
                {
                    break;
                }

                if (descending)
                {
                    last = page.NextHour;
                }
                else
                {
                    first = page.NextHour;
                }

                limit = Math.Min(limit * PageGrowth, MaxPageChunks);
            }
        }
    }

    /// <summary>
    /// Decodes a chunk read in an earlier unit of work. A chunk that cannot be decoded is damage: if the stored chunk is
    /// still unreadable the file is set aside, and the reader gets an error naming both files; if it has been replaced
    /// meanwhile, an error saying the results are incomplete.
    /// </summary>
    private void ReadEvents(BsonDocument chunk, List<StoredEvent> events, UsageFilterMatcher matcher)
    {
        try
        {
            UsageChunkDocument.ReadEvents(chunk, events, matcher);
        }
        catch (UsageChunkException damage)
        {
            var id = chunk[UsageChunkDocument.Id];
            var recovery = _database.SetAside(damage, engine =>
            {
                // Still there and still unreadable: ReadEvents throws, which SetAside takes as confirmed damage.
                if (UsageChunkDocument.Find(engine, id) is { } stored)
                {
                    UsageChunkDocument.ReadEvents(stored, []);
                }

                return false;
            });
            throw recovery is not null
                ? new UsageStoreDamagedException(recovery, damage)
                : new UsageStoreDamagedException(_database.DatabasePath, damage);
        }
    }

    /// <summary>
    /// Reads the chunks of hours [first, last] from one end, about <paramref name="limit"/> of them but always whole
    /// hours: when the limit cuts into an hour, that hour is left to the next page (or, when it is the only hour read,
    /// read entirely).
    /// </summary>
    public static HourPage ReadHours(LiteEngine engine, long first, long last, bool descending, int limit)
    {
        var chunks = ReadChunks(engine, first, last, descending, limit);
        if (chunks.Count < limit)
        {
            return new HourPage(chunks, true, 0);
        }

        var cut = UsageChunkDocument.HourOf(chunks[^1]);
        var whole = chunks.FindAll(c => UsageChunkDocument.HourOf(c) != cut);
        if (whole.Count == 0)
        {
            // One hour holds more chunks than the limit: read that hour alone, whatever its size.
            whole = ReadChunks(engine, cut, cut, descending, int.MaxValue);
            return descending
                ? new HourPage(whole, cut == first, cut - 1)
                : new HourPage(whole, cut == last, cut + 1);
        }

        return new HourPage(whole, false, cut);
    }

    private static List<BsonDocument> ReadChunks(LiteEngine engine, long first, long last, bool descending, int limit)
    {
        var query = new Query
        {
            OrderBy = BsonExpression.Create("$." + UsageChunkDocument.Hour),
            Order = descending ? Query.Descending : Query.Ascending,
            Limit = limit,
        };
        query.Where.Add(BsonExpression.Create("$." + UsageChunkDocument.Hour + " BETWEEN @0 AND @1", first, last));
        var chunks = new List<BsonDocument>();
        using var reader = engine.Query(UsageSchema.Chunks, query);
        while (reader.Read())
        {
            chunks.Add(reader.Current.AsDocument);
        }

        return chunks;
    }
}
