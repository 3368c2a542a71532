// Window names, cycling order, the window that covers a -Since, window spans, the header's filter words and formats.
using Tokentap.Engine.Live;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Live;

public sealed class LiveWindowsTests
{
    [Fact]
    public void Names_parse_both_ways_and_t_cycles_through_all_eight()
    {
        Assert.Equal(["5m", "15m", "1h", "today", "24h", "7d", "30d", "all"], LiveWindows.Names);
        Assert.Equal(TokenUsageWindow.Today, LiveWindows.Parse("TODAY"));
        Assert.Equal(TokenUsageWindow.Last7Days, LiveWindows.Parse("7d"));
        Assert.Equal("30d", LiveWindows.NameOf(TokenUsageWindow.Last30Days));
        Assert.Equal(TokenUsageWindow.All, LiveWindows.Next(TokenUsageWindow.Last30Days));
        Assert.Equal(TokenUsageWindow.Last5Minutes, LiveWindows.Next(TokenUsageWindow.All));
        Assert.Equal(TokenUsageWindow.Last24Hours, LiveWindows.Next(TokenUsageWindow.Today));
        Assert.Equal(TokenUsageWindow.LastHour, LiveWindows.Next(TokenUsageWindow.Last15Minutes));
        Assert.Equal(TokenUsageWindow.All, LiveWindows.Parse("ALL"));
        Assert.Throws<ArgumentException>(() => LiveWindows.Parse("2w"));
    }

    [Theory]
    [InlineData(-4, TokenUsageWindow.Last5Minutes)]
    [InlineData(-10, TokenUsageWindow.Last15Minutes)]
    [InlineData(-45, TokenUsageWindow.LastHour)]
    [InlineData(-300, TokenUsageWindow.Today)]
    [InlineData(-20 * 60, TokenUsageWindow.Last24Hours)]
    [InlineData(-24 * 60, TokenUsageWindow.Last7Days)]
    [InlineData(-20 * 24 * 60, TokenUsageWindow.Last30Days)]
    [InlineData(-90 * 24 * 60, TokenUsageWindow.All)]
    public void The_shortest_window_reaching_back_to_since_is_chosen(int minutes, TokenUsageWindow expected)
    {
        Assert.Equal(expected, LiveWindows.Covering(LiveEvents.Now.AddMinutes(minutes), LiveEvents.Now, LiveEvents.Zone));
    }

    [Fact]
    public void Today_starts_at_local_midnight_and_has_23_or_25_steps_on_clock_change_days()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var springForward = WindowSpan.For(TokenUsageWindow.Today, new DateTime(2026, 3, 29, 12, 0, 0, DateTimeKind.Utc), berlin);
        var fallBack = WindowSpan.For(TokenUsageWindow.Today, new DateTime(2026, 10, 25, 12, 0, 0, DateTimeKind.Utc), berlin);
        var india = WindowSpan.For(TokenUsageWindow.Today, new DateTime(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));

        Assert.Equal((new DateTime(2026, 3, 28, 23, 0, 0).Ticks, 23), (springForward.StartTicks, springForward.Steps));
        Assert.Equal((new DateTime(2026, 10, 24, 22, 0, 0).Ticks, 25), (fallBack.StartTicks, fallBack.Steps));
        Assert.True(springForward.IsHourAligned);
        Assert.Equal(new DateTime(2026, 3, 9, 18, 30, 0).Ticks, india.StartTicks);
        Assert.False(india.IsHourAligned);
    }

    [Fact]
    public void All_runs_in_utc_days_from_the_first_event_and_5m_and_24h_roll()
    {
        var all = WindowSpan.For(TokenUsageWindow.All, LiveEvents.Now, LiveEvents.Zone, new DateTime(2026, 3, 1, 23, 59, 0).Ticks);
        var empty = WindowSpan.For(TokenUsageWindow.All, LiveEvents.Now, LiveEvents.Zone);
        var five = WindowSpan.For(TokenUsageWindow.Last5Minutes, LiveEvents.Now, LiveEvents.Zone);
        var day = WindowSpan.For(TokenUsageWindow.Last24Hours, LiveEvents.Now, LiveEvents.Zone);

        Assert.Equal((new DateTime(2026, 3, 1).Ticks, TimeSpan.TicksPerDay, 10), (all.StartTicks, all.StepTicks, all.Steps));
        Assert.Equal((new DateTime(2026, 3, 10).Ticks, 1), (empty.StartTicks, empty.Steps));
        Assert.Equal((new DateTime(2026, 3, 10, 12, 30, 0).Ticks, TimeSpan.TicksPerMinute, 5), (five.StartTicks, five.StepTicks, five.Steps));
        Assert.Equal((new DateTime(2026, 3, 9, 13, 0, 0).Ticks, TimeSpan.TicksPerHour, 24), (day.StartTicks, day.StepTicks, day.Steps));
        Assert.True(all.IsHourAligned);
    }

    [Fact]
    public void Step_starts_round_down_also_before_the_window()
    {
        var span = WindowSpan.For(TokenUsageWindow.LastHour, LiveEvents.Now, LiveEvents.Zone);

        Assert.Equal(new DateTime(2026, 3, 10, 12, 34, 0).Ticks, span.StepStart(LiveEvents.Now.Ticks));
        Assert.Equal(new DateTime(2026, 3, 10, 11, 34, 0).Ticks, span.StepStart(new DateTime(2026, 3, 10, 11, 34, 59).Ticks));
        Assert.Equal(new DateTime(2026, 3, 10, 12, 35, 0).Ticks, span.EndTicks);
    }

    [Fact]
    public void Filter_text_names_each_condition()
    {
        var filter = new UsageFilter
        {
            App = ["claude-*", "curl"],
            Model = ["gpt-5*"],
            Since = new DateTime(2026, 3, 10, 7, 0, 0, DateTimeKind.Utc),
            Status = UsageStatus.Error,
        };

        Assert.Equal("model=gpt-5* app=claude-*,curl status=error since 2026-03-10 09:00", FilterText.Describe(filter, LiveEvents.Zone));
        Assert.Null(FilterText.Describe(UsageFilter.All, LiveEvents.Zone));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(9_999, "9,999")]
    [InlineData(12_345, "12.3k")]
    [InlineData(123_456, "123k")]
    [InlineData(1_234_567, "1.23M")]
    [InlineData(12_345_678, "12.3M")]
    [InlineData(2_500_000_000, "2.50B")]
    public void Counts_stay_short(long value, string expected) => Assert.Equal(expected, LiveFormat.Count(value));

    [Theory]
    [InlineData("0", "$0")]
    [InlineData("0.0012", "$0.0012")]
    [InlineData("0.106", "$0.106")]
    [InlineData("12.345", "$12.35")]
    [InlineData("123.45", "$123.5")]
    [InlineData("12345.6", "$12,346")]
    public void Costs_keep_their_significant_digits(string value, string expected) =>
        Assert.Equal(expected, LiveFormat.Cost(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(850, "850ms")]
    [InlineData(1234, "1.2s")]
    [InlineData(45_000, "45s")]
    [InlineData(150_000, "2.5m")]
    public void Durations_stay_short(double ms, string expected) => Assert.Equal(expected, LiveFormat.Duration(ms));
}
