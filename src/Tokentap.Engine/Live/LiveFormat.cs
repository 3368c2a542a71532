// Compact number, money, ratio and duration formats for the live view's narrow columns (invariant culture).
using System.Globalization;

namespace Tokentap.Engine.Live;

/// <summary>Short texts that keep their meaning in five or six characters: 9,999 / 12.3k / 1.23M, $0.0123, 16.7%.</summary>
internal static class LiveFormat
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Count(long value) => value switch
    {
        < 0 => "-" + Count(-value),
        < 10_000 => value.ToString("N0", Culture),
        < 100_000 => (value / 1e3).ToString("0.0", Culture) + "k",
        < 1_000_000 => (value / 1e3).ToString("0", Culture) + "k",
        < 10_000_000 => (value / 1e6).ToString("0.00", Culture) + "M",
        < 100_000_000 => (value / 1e6).ToString("0.0", Culture) + "M",
        < 1_000_000_000 => (value / 1e6).ToString("0", Culture) + "M",
        _ => (value / 1e9).ToString("0.00", Culture) + "B",
    };

    public static string Cost(decimal value) => value switch
    {
        0 => "$0",
        >= 1000 => "$" + value.ToString("N0", Culture),
        >= 100 => "$" + value.ToString("0.0", Culture),
        >= 1 => "$" + value.ToString("0.00", Culture),
        >= 0.01m => "$" + value.ToString("0.000", Culture),
        _ => "$" + value.ToString("0.0000", Culture),
    };

    /// <summary>A cost cell: '?' for an unknown price, '~' before an estimated one.</summary>
    public static string Cost(decimal? value, bool estimated) =>
        value is { } cost ? (estimated ? "~" : "") + Cost(cost) : "?";

    public static string Percent(double fraction) => (fraction * 100).ToString("0.#", Culture) + "%";

    public static string Duration(double milliseconds) => milliseconds switch
    {
        < 1000 => milliseconds.ToString("0", Culture) + "ms",
        < 10_000 => (milliseconds / 1000).ToString("0.0", Culture) + "s",
        < 60_000 => (milliseconds / 1000).ToString("0", Culture) + "s",
        < 3_600_000 => (milliseconds / 60_000).ToString("0.0", Culture) + "m",
        _ => (milliseconds / 3_600_000).ToString("0.0", Culture) + "h",
    };

    public static string Rate(double perMinute) => Count((long)Math.Round(perMinute));

    /// <summary>A local time, with the day when it is not today.</summary>
    public static string Clock(DateTime utc, DateTime nowUtc, TimeZoneInfo zone, bool seconds = false)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        var today = TimeZoneInfo.ConvertTimeFromUtc(nowUtc, zone).Date;
        var time = local.ToString(seconds ? "HH:mm:ss" : "HH:mm", Culture);
        return local.Date == today ? time : local.ToString("ddd ", Culture) + time;
    }

    /// <summary>The first characters of a long id (session GUIDs), enough to tell sessions apart.</summary>
    public static string ShortId(string id) => id.Length <= 12 ? id : id[..8] + "…";
}
