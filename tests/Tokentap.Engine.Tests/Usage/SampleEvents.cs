// The eight hand-made events the query and summary tests compute their expected results from.
namespace Tokentap.Engine.Tests.Usage;

/// <summary>
/// E1..E8 in time order (UTC). Chosen to cross day boundaries in UTC, UTC-5 and UTC+5:30, to hold errors, an unpriced
/// event, an estimated event, null labels, a WebSocket exchange (101 = success) and a timestamp one tick before an hour.
/// </summary>
internal static class SampleEvents
{
    public static UsageEvent E1 => Make(1, new DateTime(2026, 1, 10, 9, 15, 0, DateTimeKind.Utc), "anthropic", "claude-sonnet-4-5", "claude-code", "s1", "/p/a", 100, 1000, 200, 50, 0, 0.010m, 200, null, 1000);

    public static UsageEvent E2 => Make(2, new DateTime(2026, 1, 10, 9, 45, 0, DateTimeKind.Utc), "anthropic", "claude-haiku-4-5", "claude-code", "s1", "/p/a", 10, 0, 0, 5, 0, 0.001m, 200, null, 500);

    public static UsageEvent E3 => Make(3, new DateTime(2026, 1, 10, 23, 30, 0, DateTimeKind.Utc), "openai", "gpt-5", "codex", "s2", "/p/b", 300, 100, 0, 400, 250, 0.050m, 200, null, 3000);

    public static UsageEvent E4 => Make(4, new DateTime(2026, 1, 11, 0, 10, 0, DateTimeKind.Utc), "openai", "gpt-5-mini", "codex", "s2", "/p/b", 40, 0, 0, 30, 0, null, 200, null, 800);

    public static UsageEvent E5 => Make(5, new DateTime(2026, 1, 11, 5, 0, 0, DateTimeKind.Utc).AddTicks(-1), "google", "gemini-2.5-pro", "gemini-cli", "s3", "/p/a", 500, 0, 0, 100, 60, 0.020m, 429, "rate limited", 200);

    public static UsageEvent E6 => Make(6, new DateTime(2026, 1, 12, 12, 0, 0, DateTimeKind.Utc), "anthropic", "claude-sonnet-4-5", "curl", "s3", null, 0, 0, 0, 0, 0, 0m, 0, "connection reset", 50, estimated: true);

    public static UsageEvent E7 => Make(7, new DateTime(2026, 1, 13, 8, 0, 0, DateTimeKind.Utc), "anthropic", "claude-sonnet-4-5", "claude-code", "s1", "/p/a", 20, 5000, 0, 70, 0, 0.003m, 200, null, 1500);

    public static UsageEvent E8 => Make(8, new DateTime(2026, 1, 13, 8, 30, 0, DateTimeKind.Utc), "openai", null, "curl", null, null, 1, 0, 0, 1, 0, null, 101, null, 10);

    public static UsageEvent[] All => [E1, E2, E3, E4, E5, E6, E7, E8];

    /// <summary>The sample number of an event (from its request id "sample-N").</summary>
    public static int NumberOf(UsageEvent e) => int.Parse(e.RequestId!["sample-".Length..], System.Globalization.CultureInfo.InvariantCulture);

    private static UsageEvent Make(
        int n, DateTime timestamp, string provider, string? model, string app, string? session, string? project,
        long input, long cacheRead, long cacheWrite, long output, long reasoning, decimal? cost, int status, string? error,
        double durationMs, bool estimated = false) => new()
        {
            Id = new Guid(n, 0, 0, new byte[8]),
            Timestamp = timestamp,
            Provider = provider,
            Host = provider + ".example",
            Endpoint = "messages",
            Model = model,
            InputTokens = input,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            OutputTokens = output,
            ReasoningTokens = reasoning,
            Cost = cost,
            StatusCode = status,
            Error = error,
            DurationMs = durationMs,
            Estimated = estimated,
            App = app,
            Session = session,
            Project = project,
            RequestId = "sample-" + n,
        };
}
