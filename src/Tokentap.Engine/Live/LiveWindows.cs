// The names users type for live windows (5m, 15m, 1h, today, 24h, 7d, 30d, all), the order t cycles through, and window starts.
namespace Tokentap.Engine.Live;

/// <summary>Names, cycling order and start instants of <see cref="TokenUsageWindow"/> values.</summary>
public static class LiveWindows
{
    private static readonly (TokenUsageWindow Window, string Name)[] All =
    [
        (TokenUsageWindow.Last5Minutes, "5m"),
        (TokenUsageWindow.Last15Minutes, "15m"),
        (TokenUsageWindow.LastHour, "1h"),
        (TokenUsageWindow.Today, "today"),
        (TokenUsageWindow.Last24Hours, "24h"),
        (TokenUsageWindow.Last7Days, "7d"),
        (TokenUsageWindow.Last30Days, "30d"),
        (TokenUsageWindow.All, "all"),
    ];

    /// <summary>The names in cycling order: 5m, 15m, 1h, today, 24h, 7d, 30d, all.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(w => w.Name).ToArray();

    /// <summary>The window a name stands for (case-insensitive).</summary>
    public static TokenUsageWindow Parse(string name)
    {
        foreach (var (window, known) in All)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                return window;
            }
        }

        throw new ArgumentException($"Unknown window '{name}'; use one of {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>The short name of a window (5m, 15m, 1h, today, 24h, 7d, 30d, all).</summary>
    public static string NameOf(TokenUsageWindow window) => All.First(w => w.Window == window).Name;

    /// <summary>The window after this one in cycling order (all wraps to 5m).</summary>
    public static TokenUsageWindow Next(TokenUsageWindow window)
    {
        var index = Array.FindIndex(All, w => w.Window == window);
        return All[(index + 1) % All.Length].Window;
    }

    /// <summary>
    /// The first instant (UTC) a window includes at <paramref name="nowUtc"/>; for <see cref="TokenUsageWindow.All"/>
    /// the day of <paramref name="firstEventUtc"/> (today when null).
    /// </summary>
    public static DateTime StartOf(TokenUsageWindow window, DateTime nowUtc, TimeZoneInfo zone, DateTime? firstEventUtc = null) =>
        new(WindowSpan.For(window, nowUtc, zone, firstEventUtc?.Ticks).StartTicks, DateTimeKind.Utc);

    /// <summary>The shortest fixed window that reaches back to <paramref name="since"/> (all when none does).</summary>
    public static TokenUsageWindow Covering(DateTime since, DateTime nowUtc, TimeZoneInfo zone)
    {
        var sinceUtc = since.Kind == DateTimeKind.Utc ? since : since.ToUniversalTime();
        foreach (var (window, _) in All.Where(w => w.Window != TokenUsageWindow.All).OrderBy(w => nowUtc - StartOf(w.Window, nowUtc, zone)))
        {
            if (StartOf(window, nowUtc, zone) <= sinceUtc)
            {
                return window;
            }
        }

        return TokenUsageWindow.All;
    }
}
