// How Get-TokenUsageSummary computes its rows beyond the filter and grouping: calendar and cache savings.
namespace Tokentap;

/// <summary>Options of a usage summary.</summary>
public sealed class UsageSummaryOptions
{
    /// <summary>The time zone id for Day, Hour, Week and Month boundaries (Europe/Berlin, UTC, ...); null: local.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The first day of a week for Week rows (Monday gives ISO 8601 weeks).</summary>
    public DayOfWeek WeekStart { get; init; } = DayOfWeek.Monday;

    /// <summary>Also compute what prompt caching saved and cost per row (reads every event of the range).</summary>
    public bool CacheSavings { get; init; }
}
