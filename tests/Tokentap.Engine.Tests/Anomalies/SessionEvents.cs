// Hand-made client sessions for the anomaly tests, priced with the embedded price table so costs add up exactly.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Tests.Anomalies;

/// <summary>Events of one session on claude-opus-4-8 ($5 input, $0.50 cache read, $6.25 cache write, $25 output per million).</summary>
internal static class SessionEvents
{
    public const string Opus = "claude-opus-4-8";

    public const string Haiku = "claude-haiku-4-5";

    public static readonly DateTime Start = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);

    private static readonly Lazy<PriceTable> SharedPrices = new(PriceTable.Embedded);

    public static PriceTable Prices => SharedPrices.Value;

    /// <summary>A successful, priced request <paramref name="seconds"/> after <see cref="Start"/>.</summary>
    public static UsageEvent Call(
        double seconds, long input, long cacheRead, long cacheWrite, long output = 100, string session = "cc-1", string model = Opus,
        string? fingerprint = null, int status = 200, string? error = null, string app = "claude-code")
    {
        var usageEvent = new UsageEvent
        {
            Timestamp = Start.AddSeconds(seconds),
            Provider = "anthropic",
            Host = "api.anthropic.com",
            Endpoint = "messages",
            Model = model,
            RequestModel = model,
            InputTokens = input,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            OutputTokens = output,
            StatusCode = status,
            Error = error,
            App = app,
            ClientSessionId = session,
            Session = "tt-1",
            RequestFingerprint = fingerprint ?? Guid.NewGuid().ToString("N"),
        };
        usageEvent.Cost = Prices.Cost(usageEvent);
        return usageEvent;
    }

    /// <summary>A failed request without tokens (an overloaded or rate-limited answer).</summary>
    public static UsageEvent Failure(double seconds, int status = 529, string session = "cc-1", string? fingerprint = null) =>
        Call(seconds, 0, 0, 0, output: 0, session: session, fingerprint: fingerprint, status: status, error: status == 529 ? "overloaded_error: Overloaded" : $"HTTP {status}");
}
