// The dashboard's filters as they live in its URL (range, model, app, project, session, provider, tz) turned into a UsageFilter.
namespace Tokentap.Engine.Dashboard;

/// <summary>
/// The filters a dashboard view was asked for. The page keeps them in its own address (so a view can be bookmarked)
/// and passes the same names to the API. Ranges end now; today, 7d, 30d and 90d start at a midnight in
/// <see cref="Zone"/> (7d: today and the 6 days before), 24h at this time yesterday, all has no start. Label values are
/// comma-separated patterns with the store's wildcards (* and ?).
/// </summary>
internal sealed class DashboardQuery
{
    public static readonly IReadOnlyList<string> Ranges = ["today", "24h", "7d", "30d", "90d", "all"];

    private DashboardQuery(string range, TimeZoneInfo zone, UsageFilter labels, DateTime nowUtc)
    {
        Range = range;
        Zone = zone;
        Labels = labels;
        NowUtc = nowUtc;
    }

    /// <summary>The range name (default 30d).</summary>
    public string Range { get; }

    /// <summary>The zone days and hours are counted in (the browser's, sent as tz; default the server's local zone).</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The label conditions, without a time range.</summary>
    public UsageFilter Labels { get; }

    public DateTime NowUtc { get; }

    /// <summary>The labels over the requested range.</summary>
    public UsageFilter Filter => For(Range);

    /// <summary>The labels over a named range (the overview's today, 7d and 30d).</summary>
    public UsageFilter For(string range) => Labels with { Since = Start(range) };

    /// <summary>Where a range starts (UTC); null for all.</summary>
    public DateTime? Start(string range) => range switch
    {
        "today" => Midnight(0),
        "24h" => NowUtc.AddHours(-24),
        "7d" => Midnight(6),
        "30d" => Midnight(29),
        "90d" => Midnight(89),
        _ => null,
    };

    /// <summary>Reads the filters; throws <see cref="ArgumentException"/> with a message for the caller on a bad value.</summary>
    public static DashboardQuery Parse(IReadOnlyDictionary<string, string> query, DateTime nowUtc)
    {
        var range = query.GetValueOrDefault("range") is { Length: > 0 } given ? given : "30d";
        if (!Ranges.Contains(range))
        {
            throw new ArgumentException($"Unknown range '{range}'; use one of {string.Join(", ", Ranges)}.");
        }

        var zone = TimeZoneInfo.Local;
        if (query.GetValueOrDefault("tz") is { Length: > 0 } id)
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new ArgumentException($"Unknown time zone '{id}'.", ex);
            }
        }

        var labels = new UsageFilter
        {
            Model = List(query, "model"),
            App = List(query, "app"),
            Project = List(query, "project"),
            Session = List(query, "session"),
            Provider = List(query, "provider"),
        };
        return new DashboardQuery(range, zone, labels, nowUtc);
    }

    private static IReadOnlyList<string>? List(IReadOnlyDictionary<string, string> query, string name) =>
        query.GetValueOrDefault(name) is { Length: > 0 } value
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;

    private DateTime Midnight(int daysBack)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(NowUtc, Zone).Date.AddDays(-daysBack);
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(local, Zone), DateTimeKind.Utc);
    }
}
