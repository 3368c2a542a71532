// A budget's period: calendar day, week or month in a time zone, the Tokentap session, or a rolling window.
using System.Globalization;

namespace Tokentap.Engine.Budgets;

/// <summary>
/// Parses "Day", "Week", "Month", "Session" and rolling windows ("90m", "5h", "7d") and finds the current period of an
/// instant. Calendar periods begin at local midnight of the budget's time zone (weeks on Monday, months on the 1st);
/// where a DST change skips midnight the period begins at the first local instant that exists, and where it repeats
/// midnight, at the first of the two.
/// </summary>
internal sealed class BudgetPeriod
{
    private BudgetPeriod(BudgetPeriodKind kind, TimeSpan window, string text)
    {
        Kind = kind;
        Window = window;
        Text = text;
    }

    /// <summary>Which kind of period.</summary>
    public BudgetPeriodKind Kind { get; }

    /// <summary>The length of a rolling window; zero for the other kinds.</summary>
    public TimeSpan Window { get; }

    /// <summary>The canonical text: Day, Week, Month, Session, or the window as given (5h).</summary>
    public string Text { get; }

    /// <summary>Reads a period; returns false with a reason for anything else.</summary>
    public static bool TryParse(string? text, out BudgetPeriod period, out string error)
    {
        period = null!;
        error = "";
        var value = text?.Trim() ?? "";
        switch (value.ToLowerInvariant())
        {
            case "day":
                period = new BudgetPeriod(BudgetPeriodKind.Day, TimeSpan.Zero, "Day");
                return true;
            case "week":
                period = new BudgetPeriod(BudgetPeriodKind.Week, TimeSpan.Zero, "Week");
                return true;
            case "month":
                period = new BudgetPeriod(BudgetPeriodKind.Month, TimeSpan.Zero, "Month");
                return true;
            case "session":
                period = new BudgetPeriod(BudgetPeriodKind.Session, TimeSpan.Zero, "Session");
                return true;
        }

        if (value.Length >= 2
            && long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0)
        {
            var unit = char.ToLowerInvariant(value[^1]);
            var window = unit switch
            {
                'm' when count <= 366L * 24 * 60 => TimeSpan.FromMinutes(count),
                'h' when count <= 366L * 24 => TimeSpan.FromHours(count),
                'd' when count <= 366 => TimeSpan.FromDays(count),
                _ => TimeSpan.Zero,
            };
            if (window > TimeSpan.Zero)
            {
                period = new BudgetPeriod(BudgetPeriodKind.Rolling, window, count.ToString(CultureInfo.InvariantCulture) + unit);
                return true;
            }
        }

        error = $"'{text}' is not a period: use Day, Week, Month, Session, or a rolling window such as 90m, 5h or 7d (at most a year)";
        return false;
    }

    /// <summary>
    /// The current period at <paramref name="nowUtc"/>: its first instant and the instant it resets (null for rolling
    /// windows and sessions, which never start again from zero on their own). A session period starts at
    /// <paramref name="sessionStartUtc"/>; without a running session it is empty (start = now).
    /// </summary>
    public (DateTime StartUtc, DateTime? ResetUtc) Current(DateTime nowUtc, TimeZoneInfo zone, DateTime? sessionStartUtc)
    {
        nowUtc = DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc);
        if (Kind == BudgetPeriodKind.Rolling)
        {
            return (nowUtc - Window, null);
        }

        if (Kind == BudgetPeriodKind.Session)
        {
            return (sessionStartUtc ?? nowUtc, null);
        }

        var local = TimeZoneInfo.ConvertTimeFromUtc(nowUtc, zone);
        DateTime startLocal, nextLocal;
        switch (Kind)
        {
            case BudgetPeriodKind.Day:
                startLocal = local.Date;
                nextLocal = startLocal.AddDays(1);
                break;
            case BudgetPeriodKind.Week:
                startLocal = local.Date.AddDays(-(((int)local.DayOfWeek + 6) % 7));
                nextLocal = startLocal.AddDays(7);
                break;
            default:
                startLocal = new DateTime(local.Year, local.Month, 1);
                nextLocal = startLocal.AddMonths(1);
                break;
        }

        return (ToUtc(startLocal, zone), ToUtc(nextLocal, zone));
    }

    /// <summary>The first instant of a local wall-clock time: the start of a skipped hour, the first of a repeated one.</summary>
    internal static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The clock jumps over this time: the period begins when it jumps, i.e. at this wall time read with the
            // offset in force before the jump.
            var before = zone.GetUtcOffset(local.AddDays(-1));
            return DateTime.SpecifyKind(local - before, DateTimeKind.Utc);
        }

        if (zone.IsAmbiguousTime(local))
        {
            var earliest = zone.GetAmbiguousTimeOffsets(local).Max();
            return DateTime.SpecifyKind(local - earliest, DateTimeKind.Utc);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
