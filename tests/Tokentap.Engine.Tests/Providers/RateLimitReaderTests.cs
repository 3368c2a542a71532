// Rate-limit headers as typed values: Anthropic classic (RFC 3339 resets), OpenAI/Groq (duration resets).
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Providers;

public sealed class RateLimitReaderTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 22, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Anthropic_classic_limits_are_read()
    {
        var snapshot = RateLimitReader.Read(Headers(
            ("anthropic-ratelimit-requests-limit", "4000"),
            ("anthropic-ratelimit-requests-remaining", "3999"),
            ("anthropic-ratelimit-requests-reset", "2026-11-22T20:00:06Z"),
            ("anthropic-ratelimit-input-tokens-limit", "2000000"),
            ("anthropic-ratelimit-input-tokens-remaining", "1990000"),
            ("anthropic-ratelimit-input-tokens-reset", "2026-11-22T20:00:01Z"),
            ("anthropic-ratelimit-output-tokens-limit", "400000"),
            ("anthropic-ratelimit-output-tokens-remaining", "399500"),
            ("anthropic-ratelimit-tokens-limit", "2400000"),
            ("anthropic-ratelimit-tokens-remaining", "2389500")), Received);

        Assert.NotNull(snapshot);
        Assert.Equal(4000, snapshot.RequestsLimit);
        Assert.Equal(3999, snapshot.RequestsRemaining);
        Assert.Equal(Received.AddSeconds(6), snapshot.RequestsReset);
        Assert.Equal(2_000_000, snapshot.InputTokensLimit);
        Assert.Equal(1_990_000, snapshot.InputTokensRemaining);
        Assert.Equal(Received.AddSeconds(1), snapshot.InputTokensReset);
        Assert.Equal(400_000, snapshot.OutputTokensLimit);
        Assert.Equal(399_500, snapshot.OutputTokensRemaining);
        Assert.Equal(2_400_000, snapshot.TokensLimit);
        Assert.Equal(2_389_500, snapshot.TokensRemaining);
        Assert.Null(snapshot.UnifiedStatus);
    }

    [Fact]
    public void OpenAi_durations_count_from_when_the_response_arrived()
    {
        var snapshot = RateLimitReader.Read(Headers(
            ("x-ratelimit-limit-requests", "10000"),
            ("x-ratelimit-remaining-requests", "9999"),
            ("x-ratelimit-reset-requests", "6ms"),
            ("x-ratelimit-limit-tokens", "30000000"),
            ("x-ratelimit-remaining-tokens", "29998800"),
            ("x-ratelimit-reset-tokens", "1m2.5s")), Received);

        Assert.NotNull(snapshot);
        Assert.Equal(10_000, snapshot.RequestsLimit);
        Assert.Equal(9_999, snapshot.RequestsRemaining);
        Assert.Equal(Received.AddMilliseconds(6), snapshot.RequestsReset);
        Assert.Equal(30_000_000, snapshot.TokensLimit);
        Assert.Equal(29_998_800, snapshot.TokensRemaining);
        Assert.Equal(Received.AddSeconds(62.5), snapshot.TokensReset);
    }

    [Fact]
    public void No_rate_limit_headers_no_snapshot()
    {
        Assert.Null(RateLimitReader.Read(Headers(("content-type", "application/json")), Received));
    }

    [Fact]
    public void Names_ignore_case_the_first_of_a_repeated_header_wins_and_an_unreadable_one_falls_back()
    {
        var snapshot = RateLimitReader.Read(Headers(
            ("Content-Type", "application/json"),
            ("Anthropic-RateLimit-Unified-Status", "allowed"),
            ("anthropic-ratelimit-unified-5h-utilization", "0.25"),
            ("anthropic-ratelimit-unified-5h-utilization", "0.75"),
            ("anthropic-ratelimit-unified-reset", "1795000000"),
            ("anthropic-ratelimit-requests-limit", "many"),
            ("x-ratelimit-limit-requests", "500"),
            ("anthropic-ratelimit-tokens-remaining", "90"),
            ("x-ratelimit-remaining-tokens", "70")), Received);

        Assert.NotNull(snapshot);
        Assert.Equal("allowed", snapshot.UnifiedStatus);
        Assert.Equal(0.25, snapshot.Unified5hUtilization);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_795_000_000), snapshot.UnifiedReset);
        Assert.Equal(500, snapshot.RequestsLimit);
        Assert.Equal(90, snapshot.TokensRemaining);
        Assert.Null(snapshot.RequestsRemaining);
        Assert.Null(snapshot.Unified7dStatus);

        // Only unreadable rate-limit headers: still a snapshot (the headers were there), with nothing in it.
        var unreadable = RateLimitReader.Read(Headers(("x-ratelimit-limit-requests", "lots")), Received);
        Assert.NotNull(unreadable);
        Assert.Null(unreadable.RequestsLimit);
    }

    private static HeaderList Headers(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));
}
