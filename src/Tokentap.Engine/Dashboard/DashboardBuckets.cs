// The time axis of the dashboard's spend chart: every day or hour of the range, empty ones included.
using System.Globalization;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// Buckets as keys of summary rows: a day is its calendar date in the query's zone (as the summary's Day), an hour its
/// UTC start (the summary's Hour). Every step from the range's start to now is listed, so a quiet day shows as zero
/// instead of vanishing from the axis.
/// </summary>
internal static class DashboardBuckets
{
    /// <summary>The most hourly buckets a chart draws (90 days).</summary>
    public const int MaxHours = 24 * 90;

    public static List<DateTime> For(DashboardQuery query, bool hourly, IReadOnlyList<UsageSummaryRow> rows)
    {
        var keys = new SortedSet<DateTime>(rows.Select(r => KeyOf(r, hourly)));
        var start = query.Start(query.Range) ?? (keys.Count > 0 ? ToUtc(keys.Min, hourly, query.Zone) : query.NowUtc);
        if (hourly)
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(start, query.Zone);
            var hour = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified);
            var utc = query.Zone.IsInvalidTime(hour) ? start : TimeZoneInfo.ConvertTimeToUtc(hour, query.Zone);
            for (; utc <= query.NowUtc; utc = utc.AddHours(1))
            {
                keys.Add(utc);
                if (keys.Count > MaxHours)
                {
                    throw new ArgumentException("An hourly chart covers at most 90 days; choose a shorter range or step=day.");
                }
            }
        }
        else
        {
            var last = TimeZoneInfo.ConvertTimeFromUtc(query.NowUtc, query.Zone).Date;
            for (var day = TimeZoneInfo.ConvertTimeFromUtc(start, query.Zone).Date; day <= last; day = day.AddDays(1))
            {
                keys.Add(DateTime.SpecifyKind(day, DateTimeKind.Unspecified));
            }
        }

        return keys.ToList();
    }

    /// <summary>The bucket a summary row (grouped by Day or Hour) belongs to.</summary>
    public static DateTime KeyOf(UsageSummaryRow row, bool hourly) => hourly
        ? row.Hour!.Value.UtcDateTime
        : DateTime.SpecifyKind(row.Day!.Value.Date, DateTimeKind.Unspecified);

    /// <summary>A bucket as the API writes it: yyyy-MM-dd for a day, the hour's start with the zone's offset for an hour.</summary>
    public static string Format(DateTime bucket, bool hourly, TimeZoneInfo zone) => hourly
        ? new DateTimeOffset(bucket, TimeSpan.Zero).ToOffset(zone.GetUtcOffset(bucket)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
        : bucket.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTime ToUtc(DateTime key, bool hourly, TimeZoneInfo zone) =>
        hourly || zone.IsInvalidTime(key) ? DateTime.SpecifyKind(key, DateTimeKind.Utc) : TimeZoneInfo.ConvertTimeToUtc(key, zone);
}
