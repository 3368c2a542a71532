// Hand-made events for the live-view tests, stamped relative to the test clock, with numbers chosen to add up exactly.
namespace Tokentap.Engine.Tests.Live;

/// <summary>
/// A1..A6 in the last hour before <see cref="Now"/> (Claude Code on Sonnet with subscription limits, Codex on GPT-5,
/// a failed Haiku call, an unpriced model, an estimated call), Old three hours before and Older two days before.
/// </summary>
internal static class LiveEvents
{
    /// <summary>12:34:30 UTC, 14:34:30 in <see cref="Zone"/>.</summary>
    public static readonly DateTime Now = new(2026, 3, 10, 12, 34, 30, DateTimeKind.Utc);

    /// <summary>UTC+2 without daylight saving: local midnight is 22:00 UTC the day before.</summary>
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.CreateCustomTimeZone("Test+2", TimeSpan.FromHours(2), "Test+2", "Test+2");

    public static readonly DateTimeOffset FiveHourReset = new(2026, 3, 10, 15, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset SevenDayReset = new(2026, 3, 14, 0, 0, 0, TimeSpan.Zero);

    public static UsageEvent A1 => Make(1, -50, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-1", null, 100, 9000, 900, 500, 0.0500m, limits: (0.40, 0.10));

    public static UsageEvent A2 => Make(2, -20, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-1", null, 50, 12000, 0, 300, 0.0300m, limits: (0.42, 0.11));

    public static UsageEvent A3 => Make(3, -10, "openai", "gpt-5", "codex", null, "run-1", 2000, 1000, 0, 700, 0.0200m);

    public static UsageEvent A4 => Make(4, -5, "anthropic", "claude-haiku-4-5", "claude-code", "cs-2", null, 0, 0, 0, 0, 0m, status: 429, error: "rate limited");

    public static UsageEvent A5 => Make(5, -3, "openai", "mystery-model", "curl", null, "s-x", 10, 0, 0, 5, null);

    public static UsageEvent A6 => Make(6, -2, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-1", null, 1000, 0, 0, 200, 0.0060m, estimated: true);

    public static UsageEvent Old => Make(7, -180, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-0", null, 1, 0, 0, 1, 1.0000m);

    public static UsageEvent Older => Make(8, -2 * 24 * 60, "openai", "gpt-5", "codex", null, "run-0", 1, 0, 0, 1, 2.0000m);

    public static UsageEvent[] LastHour => [A1, A2, A3, A4, A5, A6];

    public static UsageEvent[] All => [Older, Old, A1, A2, A3, A4, A5, A6];

    /// <summary>An event <paramref name="minutes"/> from <see cref="Now"/> (negative: before).</summary>
    public static UsageEvent Make(
        int n, double minutes, string provider, string model, string app, string? clientSession, string? session,
        long input, long cacheRead, long cacheWrite, long output, decimal? cost, int status = 200, string? error = null,
        bool estimated = false, (double FiveHour, double SevenDay)? limits = null) => new()
        {
            Id = new Guid(n, 7, 7, new byte[8]),
            Timestamp = Now.AddMinutes(minutes),
            Provider = provider,
            Host = provider + ".example",
            Endpoint = "messages",
            Model = model,
            InputTokens = input,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            OutputTokens = output,
            Cost = cost,
            StatusCode = status,
            Error = error,
            Estimated = estimated,
            DurationMs = 1000,
            App = app,
            ClientSessionId = clientSession,
            Session = session,
            RequestId = "live-" + n,
            RateLimits = limits is { } l
                ? new RateLimitSnapshot
                {
                    UnifiedStatus = "allowed",
                    Unified5hUtilization = l.FiveHour,
                    Unified5hReset = FiveHourReset,
                    Unified5hStatus = "allowed",
                    Unified7dUtilization = l.SevenDay,
                    Unified7dReset = SevenDayReset,
                    Unified7dStatus = "allowed",
                }
                : null,
        };
}
