// Reads stored events in time order, a page per lock, narrowed to the hours that rollups say can match.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Streams event documents through the time index. Each page is read in its own short unit of work, so a reader that
/// is slow to consume (a pipeline, a paused view) never holds the lock writers need; pages continue after the last
/// (timestamp, position) key seen. Pages grow from small (a Last 10 costs little) to about a thousand events: larger
/// pages keep more mapped events alive at once, and the garbage collector then costs more than the extra page reads.
/// </summary>
internal sealed class UsageScanner
{
    private const int FirstPageSize = 64;
    private const int MaxPageSize = 1024;

    private readonly UsageDatabase _database;

    public UsageScanner(UsageDatabase database) => _database = database;

    /// <summary>A half-open UTC tick range [Start, End).</summary>
    public readonly record struct TickRange(long Start, long End);

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
        foreach (var row in ReadRollups(UsageRollupDocument.HourOf(matcher.SinceTicks), UsageRollupDocument.HourOf(matcher.UntilTicks - 1)))
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
    public List<UsageRollupDocument> ReadRollups(long firstHour, long lastHour) => _database.Execute(engine =>
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

    /// <summary>One page of a scan: the projected matching documents and the key to continue after.</summary>
    public sealed record Page<T>(List<T> Items, int Scanned, long LastTicks, long LastPosition);

    /// <summary>
    /// The matching events of the ranges in time order (ranges must be given in ascending order), each projected as
    /// it is read: keeping LiteDB documents alive across a page costs far more (GC) than reading them.
    /// </summary>
    public IEnumerable<T> Scan<T>(IReadOnlyList<TickRange> ranges, UsageFilterMatcher matcher, bool descending, Func<BsonDocument, T> project)
    {
        var pageSize = FirstPageSize;
        for (var r = 0; r < ranges.Count; r++)
        {
            var range = ranges[descending ? ranges.Count - 1 - r : r];
            var low = UsageEventDocument.OrderKey(range.Start, 0);
            var high = UsageEventDocument.OrderKey(range.End - 1, long.MaxValue);
            while (true)
            {
                var size = pageSize;
                var page = _database.Execute(engine => ReadPage(engine, low, high, descending, size, matcher, project));
                foreach (var item in page.Items)
                {
                    yield return item;
                }

                if (page.Scanned < size)
                {
                    break;
                }

                if (descending)
                {
                    high = UsageEventDocument.OrderKey(page.LastTicks, page.LastPosition - 1);
                }
                else
                {
                    low = UsageEventDocument.OrderKey(page.LastTicks, page.LastPosition + 1);
                }

                pageSize = Math.Min(pageSize * 2, MaxPageSize);
            }
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> events of the time index between two keys (both inclusive).</summary>
    public static Page<T> ReadPage<T>(LiteEngine engine, byte[] low, byte[] high, bool descending, int limit, UsageFilterMatcher matcher, Func<BsonDocument, T> project)
    {
        var query = new Query
        {
            OrderBy = BsonExpression.Create("$." + UsageEventDocument.Order),
            Order = descending ? Query.Descending : Query.Ascending,
            Limit = limit,
        };
        query.Where.Add(BsonExpression.Create("$." + UsageEventDocument.Order + " BETWEEN @0 AND @1", low, high));
        var items = new List<T>();
        int scanned = 0;
        long lastTicks = 0, lastPosition = 0;
        using var reader = engine.Query(UsageSchema.Events, query);
        while (reader.Read())
        {
            var doc = reader.Current.AsDocument;
            scanned++;
            lastTicks = UsageEventDocument.TicksOf(doc);
            lastPosition = UsageEventDocument.PositionOf(doc);
            if (matcher.Matches(doc))
            {
                items.Add(project(doc));
            }
        }

        return new Page<T>(items, scanned, lastTicks, lastPosition);
    }
}
