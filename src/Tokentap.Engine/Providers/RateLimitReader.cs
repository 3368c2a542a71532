// Reads rate-limit response headers (Anthropic unified and classic, OpenAI-style x-ratelimit-*) into typed values.
using System.Globalization;
using System.Runtime.CompilerServices;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Resets may come as epoch seconds (Anthropic unified), RFC 3339 times (Anthropic classic) or durations such as
/// "6m0s", "1.5s", "20ms" (OpenAI, Groq), which count from when the response arrived.
/// </summary>
internal static class RateLimitReader
{
    // Every header read, in one table: a response's fields are looked at once each, not once per name.
    private static readonly string[] Names =
    [
        "anthropic-ratelimit-unified-status", "anthropic-ratelimit-unified-reset", "anthropic-ratelimit-unified-representative-claim",
        "anthropic-ratelimit-unified-5h-utilization", "anthropic-ratelimit-unified-5h-reset", "anthropic-ratelimit-unified-5h-status",
        "anthropic-ratelimit-unified-7d-utilization", "anthropic-ratelimit-unified-7d-reset", "anthropic-ratelimit-unified-7d-status",
        "anthropic-ratelimit-requests-limit", "x-ratelimit-limit-requests", "anthropic-ratelimit-requests-remaining", "x-ratelimit-remaining-requests",
        "anthropic-ratelimit-requests-reset", "x-ratelimit-reset-requests", "anthropic-ratelimit-tokens-limit", "x-ratelimit-limit-tokens",
        "anthropic-ratelimit-tokens-remaining", "x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-reset", "x-ratelimit-reset-tokens",
        "anthropic-ratelimit-input-tokens-limit", "anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset",
        "anthropic-ratelimit-output-tokens-limit", "anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset",
    ];

    private static readonly Dictionary<string, int> Slots = Names.Select((name, slot) => (name, slot)).ToDictionary(p => p.name, p => p.slot, StringComparer.OrdinalIgnoreCase);

    /// <summary>The snapshot, or null when the response had no rate-limit header.</summary>
    public static RateLimitSnapshot? Read(HeaderList headers, DateTimeOffset received)
    {
        // The first value of each name, as HeaderList.Get would give it.
        var values = default(HeaderValues);
        var found = false;
        foreach (var (name, value) in headers)
        {
            if ((name.StartsWith("anthropic-ratelimit-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase))
                && Slots.TryGetValue(name, out var slot) && values[slot] is null)
            {
                values[slot] = value;
                found = true;
            }
        }

        if (!found)
        {
            return null;
        }

        long? Count(int slot) => long.TryParse(values[slot], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        double? Fraction(int slot) => double.TryParse(values[slot], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        DateTimeOffset? Reset(int slot) => ParseReset(values[slot], received);

        return new RateLimitSnapshot
        {
            UnifiedStatus = values[0],
            UnifiedReset = Reset(1),
            UnifiedRepresentativeClaim = values[2],
            Unified5hUtilization = Fraction(3),
            Unified5hReset = Reset(4),
            Unified5hStatus = values[5],
            Unified7dUtilization = Fraction(6),
            Unified7dReset = Reset(7),
            Unified7dStatus = values[8],
            RequestsLimit = Count(9) ?? Count(10),
            RequestsRemaining = Count(11) ?? Count(12),
            RequestsReset = Reset(13) ?? Reset(14),
            TokensLimit = Count(15) ?? Count(16),
            TokensRemaining = Count(17) ?? Count(18),
            TokensReset = Reset(19) ?? Reset(20),
            InputTokensLimit = Count(21),
            InputTokensRemaining = Count(22),
            InputTokensReset = Reset(23),
            OutputTokensLimit = Count(24),
            OutputTokensRemaining = Count(25),
            OutputTokensReset = Reset(26),
        };
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

    // One slot per entry of Names, on the stack.
    [InlineArray(27)]
    private struct HeaderValues
    {
        private string? _first;
    }
}
