// Checks the chunks a page read through the hour index against the hourly rollup rows, so damaged index pages show.
using System.Globalization;
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// A destroyed page of the chunks' hour index does not always make LiteDB throw: a scan can simply end early, and a
/// query would return a shortened history (0 of 2,000 events in a test) with no error. The rollup rows count the same
/// events through another collection and another index, written in the same transactions as the chunks, so for every
/// hour a page covers the chunks' event counts must add up to the rows' request counts. A difference is reported as
/// LiteDB damage inside the unit of work, which takes the usual path: a second look, then the file set aside and its
/// readable pages salvaged. It costs one query of a few small rows per page of chunks.
/// </summary>
internal static class UsageHourCheck
{
    /// <summary>
    /// Returns <paramref name="page"/> (read by <see cref="UsageScanner.ReadHours"/> for hours
    /// [<paramref name="first"/>, <paramref name="last"/>]) after checking the hours it covers.
    /// </summary>
    /// <exception cref="LiteException">INVALID_DATAFILE_STATE: an hour's chunks and rollup rows disagree.</exception>
    public static HourPage Verified(LiteEngine engine, HourPage page, long first, long last, bool descending)
    {
        // A page holds every chunk of the hours it covers: all of them when complete, else those before the next page.
        var (from, to) = page.Complete ? (first, last) : descending ? (page.NextHour + 1, last) : (first, page.NextHour - 1);
        if (from > to)
        {
            return page;
        }

        var counts = new Dictionary<long, long>();
        foreach (var chunk in page.Chunks)
        {
            var hour = UsageChunkDocument.HourOf(chunk);
            counts[hour] = counts.GetValueOrDefault(hour) + UsageChunkDocument.CountOf(chunk);
        }

        Verify(engine, counts, from, to);
        return page;
    }

    /// <summary>
    /// Checks the events counted in every chunk of hours [<paramref name="from"/>, <paramref name="to"/>] (by hour, as
    /// a caller that streamed them counted) against the rollup rows of those hours.
    /// </summary>
    /// <exception cref="LiteException">INVALID_DATAFILE_STATE: an hour's chunks and rollup rows disagree.</exception>
    public static void Verify(LiteEngine engine, IReadOnlyDictionary<long, long> chunkEvents, long from, long to)
    {
        var difference = new Dictionary<long, (long Chunks, long Rollups)>();
        foreach (var (hour, events) in chunkEvents)
        {
            difference[hour] = (events, 0);
        }

        var query = new Query();
        query.Where.Add(BsonExpression.Create("$." + UsageRollupDocument.Hour + " BETWEEN @0 AND @1", from, to));
        using (var reader = engine.Query(UsageSchema.Rollups, query))
        {
            while (reader.Read())
            {
                var row = UsageRollupDocument.FromDocument(reader.Current.AsDocument);
                var counts = difference.GetValueOrDefault(row.HourNumber);
                difference[row.HourNumber] = counts with { Rollups = counts.Rollups + row.Totals.Requests };
            }
        }

        foreach (var (hour, counts) in difference)
        {
            if (counts.Chunks != counts.Rollups)
            {
                var time = new DateTime(hour * TimeSpan.TicksPerHour, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture);
                throw new LiteException(
                    LiteException.INVALID_DATAFILE_STATE,
                    $"an index is damaged: the chunks found for the hour {time} UTC hold {counts.Chunks} events where its hourly totals count {counts.Rollups}");
            }
        }
    }
}
