// Reads rate-limit response headers (Anthropic unified and classic, OpenAI-style x-ratelimit-*) into typed values.
using System.Globalization;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Resets may come as epoch seconds (Anthropic unified), RFC 3339 times (Anthropic classic) or durations such as
/// "6m0s", "1.5s", "20ms" (OpenAI, Groq), which count from when the response arrived.
/// </summary>
internal static class RateLimitReader
{
    /// <summary>The snapshot, or null when the response had no rate-limit header.</summary>
    public static RateLimitSnapshot? Read(HeaderList headers, DateTimeOffset received)
    {
        var found = false;
        var snapshot = new RateLimitSnapshot();

        string? Text(string name)
        {
            var value = headers.Get(name);
            if (value is not null)
            {
                found = true;
            }

            return value;
        }

        long? Count(string name) => long.TryParse(Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        double? Fraction(string name) => double.TryParse(Text(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        DateTimeOffset? Reset(string name) => ParseReset(Text(name), received);

        snapshot.UnifiedStatus = Text("anthropic-ratelimit-unified-status");
        snapshot.UnifiedReset = Reset("anthropic-ratelimit-unified-reset");
        snapshot.UnifiedRepresentativeClaim = Text("anthropic-ratelimit-unified-representative-claim");
        snapshot.Unified5hUtilization = Fraction("anthropic-ratelimit-unified-5h-utilization");
        snapshot.Unified5hReset = Reset("anthropic-ratelimit-unified-5h-reset");
        snapshot.Unified5hStatus = Text("anthropic-ratelimit-unified-5h-status");
        snapshot.Unified7dUtilization = Fraction("anthropic-ratelimit-unified-7d-utilization");
        snapshot.Unified7dReset = Reset("anthropic-ratelimit-unified-7d-reset");
        snapshot.Unified7dStatus = Text("anthropic-ratelimit-unified-7d-status");

        snapshot.RequestsLimit = Count("anthropic-ratelimit-requests-limit") ?? Count("x-ratelimit-limit-requests");
        snapshot.RequestsRemaining = Count("anthropic-ratelimit-requests-remaining") ?? Count("x-ratelimit-remaining-requests");
        snapshot.RequestsReset = Reset("anthropic-ratelimit-requests-reset") ?? Reset("x-ratelimit-reset-requests");
        snapshot.TokensLimit = Count("anthropic-ratelimit-tokens-limit") ?? Count("x-ratelimit-limit-tokens");
        snapshot.TokensRemaining = Count("anthropic-ratelimit-tokens-remaining") ?? Count("x-ratelimit-remaining-tokens");
        snapshot.TokensReset = Reset("anthropic-ratelimit-tokens-reset") ?? Reset("x-ratelimit-reset-tokens");
        snapshot.InputTokensLimit = Count("anthropic-ratelimit-input-tokens-limit");
        snapshot.InputTokensRemaining = Count("anthropic-ratelimit-input-tokens-remaining");
        snapshot.InputTokensReset = Reset("anthropic-ratelimit-input-tokens-reset");
        snapshot.OutputTokensLimit = Count("anthropic-ratelimit-output-tokens-limit");
        snapshot.OutputTokensRemaining = Count("anthropic-ratelimit-output-tokens-remaining");
        snapshot.OutputTokensReset = Reset("anthropic-ratelimit-output-tokens-reset");
        return found ? snapshot : null;
    }

    /// <summary>Parses an epoch-seconds, RFC 3339 or duration reset; null when it is none of them.</summary>
    public static DateTimeOffset? ParseReset(string? value, DateTimeOffset received)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            // Large numbers are Unix times; small ones are seconds from now.
            return number > 1_000_000_000
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(number * 1000))
                : received.AddSeconds(number);
        }

        if (value.Contains('-') && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUniversalTime();
        }

        return ParseDuration(value) is { } duration ? received + duration : null;
    }

    // Go-style durations: "1h2m3.5s", "6m0s", "20ms".
    private static TimeSpan? ParseDuration(string text)
    {
        var total = 0.0;
        var i = 0;
        var any = false;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                return null;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            var factor = text.AsSpan(unitStart, i - unitStart) switch
            {
                "h" => 3_600_000.0,
                "m" => 60_000.0,
                "s" => 1_000.0,
                "ms" => 1.0,
                _ => double.NaN,
            };
            if (double.IsNaN(factor))
            {
                return null;
            }

            total += amount * factor;
            any = true;
        }

        return any ? TimeSpan.FromMilliseconds(total) : null;
    }
}
