// Period math: calendar days, weeks and months in a zone (DST days, skipped and repeated midnights, month ends), rolling windows, sessions.
using Tokentap.Engine.Budgets;

namespace Tokentap.Engine.Tests.Budgets;

public sealed class BudgetPeriodTests
{
    [Theory]
    [InlineData("Day", "Day")]
    [InlineData("week", "Week")]
    [InlineData("MONTH", "Month")]
    [InlineData("session", "Session")]
    [InlineData("5h", "5h")]
    [InlineData("90M", "90m")]
    [InlineData("7d", "7d")]
    public void Periods_parse_to_their_canonical_text(string text, string expected)
    {
        Assert.True(BudgetPeriod.TryParse(text, out var period, out _));
        Assert.Equal(expected, period.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0h")]
    [InlineData("5x")]
    [InlineData("h")]
    [InlineData("-5h")]
    [InlineData("367d")]
    [InlineData("fortnight")]
    public void Anything_else_is_refused_with_the_accepted_forms(string text)
    {
        Assert.False(BudgetPeriod.TryParse(text, out _, out var error));
        Assert.Contains("Day, Week, Month, Session", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_in_UTC_runs_from_midnight_to_midnight()
    {
        var (start, reset) = Parse("Day").Current(Utc(2026, 12, 5, 23, 59), TimeZoneInfo.Utc, null);
        Assert.Equal(Utc(2026, 12, 5, 0, 0), start);
        Assert.Equal(Utc(2026, 12, 6, 0, 0), reset);
    }

    [Fact]
    public void The_spring_DST_day_in_Berlin_is_23_hours_long()
    {
        var (start, reset) = Parse("Day").Current(Utc(2026, 3, 29, 10, 0), Zone("Europe/Berlin"), null);
        Assert.Equal(Utc(2026, 3, 28, 23, 0), start);
        Assert.Equal(Utc(2026, 3, 29, 22, 0), reset);
        Assert.Equal(TimeSpan.FromHours(23), reset - start);
    }

    [Fact]
    public void The_autumn_DST_day_in_Berlin_is_25_hours_long()
    {
        var (start, reset) = Parse("Day").Current(Utc(2026, 10, 25, 1, 30), Zone("Europe/Berlin"), null);
        Assert.Equal(Utc(2026, 10, 24, 22, 0), start);
        Assert.Equal(Utc(2026, 10, 25, 23, 0), reset);
        Assert.Equal(TimeSpan.FromHours(25), reset - start);
    }

    [Fact]
    public void A_day_whose_midnight_is_skipped_starts_when_the_clock_jumps()
    {
        // Chile moves from 00:00 -04 to 01:00 -03 on the first Sunday of September: 2026-09-06 has no midnight.
        var zone = Zone("America/Santiago");
        Assert.True(zone.IsInvalidTime(new DateTime(2026, 9, 6, 0, 30, 0)));
        var (start, reset) = Parse("Day").Current(Utc(2026, 9, 6, 12, 0), zone, null);
        Assert.Equal(Utc(2026, 9, 6, 4, 0), start);
        Assert.Equal(Utc(2026, 9, 7, 3, 0), reset);
    }

    [Fact]
    public void A_day_whose_midnight_repeats_starts_at_the_first_one()
    {
        // Cuba goes back from 01:00 -04 to 00:00 -05 on the first Sunday of November: midnight of 2026-11-01 happens twice.
        var zone = Zone("America/Havana");
        Assert.True(zone.IsAmbiguousTime(new DateTime(2026, 11, 1, 0, 30, 0)));
        var (start, reset) = Parse("Day").Current(Utc(2026, 11, 1, 12, 0), zone, null);
        Assert.Equal(Utc(2026, 11, 1, 4, 0), start);
        Assert.Equal(Utc(2026, 11, 2, 5, 0), reset);
    }

    [Fact]
    public void A_week_starts_on_Monday_in_the_budgets_zone()
    {
        // Sunday 23:30 UTC is already Monday 08:30 in Tokyo.
        var now = Utc(2026, 12, 6, 23, 30);
        Assert.Equal((Utc(2026, 11, 30, 0, 0), (DateTime?)Utc(2026, 12, 7, 0, 0)), Parse("Week").Current(now, TimeZoneInfo.Utc, null));
        Assert.Equal((Utc(2026, 12, 6, 15, 0), (DateTime?)Utc(2026, 12, 13, 15, 0)), Parse("Week").Current(now, Zone("Asia/Tokyo"), null));
    }

    [Fact]
    public void A_month_turns_at_local_midnight_of_the_first()
    {
        // 23:30 UTC on 31 January is already 1 February in Berlin.
        var (start, reset) = Parse("Month").Current(Utc(2026, 1, 31, 23, 30), Zone("Europe/Berlin"), null);
        Assert.Equal(Utc(2026, 1, 31, 23, 0), start);
        Assert.Equal(Utc(2026, 2, 28, 23, 0), reset);
    }

    [Fact]
    public void A_leap_February_ends_after_the_29th()
    {
        var (start, reset) = Parse("Month").Current(Utc(2028, 2, 29, 12, 0), TimeZoneInfo.Utc, null);
        Assert.Equal(Utc(2028, 2, 1, 0, 0), start);
        Assert.Equal(Utc(2028, 3, 1, 0, 0), reset);
    }

    [Fact]
    public void A_rolling_window_ends_now_and_never_resets()
    {
        var (start, reset) = Parse("5h").Current(Utc(2026, 12, 5, 3, 0), Zone("Europe/Berlin"), null);
        Assert.Equal(Utc(2026, 12, 4, 22, 0), start);
        Assert.Null(reset);
    }

    [Fact]
    public void A_session_runs_from_the_proxy_start_and_is_empty_without_one()
    {
        var now = Utc(2026, 12, 5, 3, 0);
        Assert.Equal((Utc(2026, 12, 5, 1, 0), (DateTime?)null), Parse("Session").Current(now, TimeZoneInfo.Utc, Utc(2026, 12, 5, 1, 0)));
        Assert.Equal((now, (DateTime?)null), Parse("Session").Current(now, TimeZoneInfo.Utc, null));
    }

    internal static BudgetPeriod Parse(string text)
    {
        Assert.True(BudgetPeriod.TryParse(text, out var period, out var error), error);
        return period;
    }

    internal static DateTime Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
}
