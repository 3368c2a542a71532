// The steps a live window is cut into at a given moment: where it starts, how long a step is, how many steps.
namespace Tokentap.Engine.Live;

/// <summary>
/// A window as <see cref="Steps"/> steps of <see cref="StepTicks"/> from <see cref="StartTicks"/> (UTC ticks). Rolling
/// windows end with the step holding "now" and are aligned to whole steps since 0001-01-01 UTC, so a step's start never
/// moves as the window slides; Today starts at local midnight and steps by the hour; All runs in whole UTC days from the
/// first event's day and grows a step each day.
/// </summary>
internal readonly record struct WindowSpan(long StartTicks, long StepTicks, int Steps)
{
    private const long SixHours = 6 * TimeSpan.TicksPerHour;

    /// <summary>The instant after the last step.</summary>
    public long EndTicks => StartTicks + StepTicks * Steps;

    /// <summary>True when steps are whole UTC hours, so hourly rollups can fill them.</summary>
    public bool IsHourAligned => StartTicks % TimeSpan.TicksPerHour == 0 && StepTicks % TimeSpan.TicksPerHour == 0;

    /// <param name="window">The window.</param>
    /// <param name="nowUtc">The moment the window ends at.</param>
    /// <param name="zone">The zone whose midnight starts Today.</param>
    /// <param name="firstTicks">For All: the first event's time (UTC ticks); null or later than now: now.</param>
    public static WindowSpan For(TokenUsageWindow window, DateTime nowUtc, TimeZoneInfo zone, long? firstTicks = null) => window switch
    {
        TokenUsageWindow.Last5Minutes => Rolling(nowUtc, TimeSpan.TicksPerMinute, 5),
        TokenUsageWindow.Last15Minutes => Rolling(nowUtc, TimeSpan.TicksPerMinute, 15),
        TokenUsageWindow.LastHour => Rolling(nowUtc, TimeSpan.TicksPerMinute, 60),
        TokenUsageWindow.Today => Today(nowUtc, zone),
        TokenUsageWindow.Last24Hours => Rolling(nowUtc, TimeSpan.TicksPerHour, 24),
        TokenUsageWindow.Last7Days => Rolling(nowUtc, TimeSpan.TicksPerHour, 7 * 24),
        TokenUsageWindow.Last30Days => Rolling(nowUtc, SixHours, 30 * 4),
        TokenUsageWindow.All => Rolling(nowUtc, TimeSpan.TicksPerDay, DaysSince(Math.Min(firstTicks ?? nowUtc.Ticks, nowUtc.Ticks), nowUtc)),
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };

    /// <summary>The start of the step holding <paramref name="ticks"/> (also for instants outside the window).</summary>
    public long StepStart(long ticks)
    {
        var offset = ticks - StartTicks;
        var steps = offset >= 0 ? offset / StepTicks : -((-offset + StepTicks - 1) / StepTicks);
        return StartTicks + steps * StepTicks;
    }

    private static WindowSpan Rolling(DateTime nowUtc, long step, int steps)
    {
        var current = nowUtc.Ticks - nowUtc.Ticks % step;
        return new WindowSpan(current - (steps - 1) * step, step, steps);
    }

    /// <summary>How many whole UTC days from the one holding <paramref name="firstTicks"/> to today, both included.</summary>
    private static int DaysSince(long firstTicks, DateTime nowUtc) =>
        (int)(nowUtc.Ticks / TimeSpan.TicksPerDay - firstTicks / TimeSpan.TicksPerDay) + 1;

    private static WindowSpan Today(DateTime nowUtc, TimeZoneInfo zone)
    {
        var localDate = TimeZoneInfo.ConvertTimeFromUtc(nowUtc, zone).Date;
        var start = MidnightUtc(localDate, zone);
        var end = MidnightUtc(localDate.AddDays(1), zone);
        var steps = (int)((end - start + TimeSpan.TicksPerHour - 1) / TimeSpan.TicksPerHour);
        return new WindowSpan(start, TimeSpan.TicksPerHour, steps);
    }

    /// <summary>The UTC instant a local day begins (the first valid local time when a clock change skips midnight).</summary>
    private static long MidnightUtc(DateTime localDate, TimeZoneInfo zone)
    {
        var midnight = DateTime.SpecifyKind(localDate, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(15);
        }

        return TimeZoneInfo.ConvertTimeToUtc(midnight, zone).Ticks;
    }
}
