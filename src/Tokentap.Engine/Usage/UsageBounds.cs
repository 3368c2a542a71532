// The sanity bound of usage numbers, applied where an event enters the recorder or the store.
using System.Globalization;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Token numbers a real exchange cannot have are unreadable usage, not usage. The bound is 100 million tokens per field
/// per request: the largest context windows hold 1 to 2 million tokens and outputs far less, so 100 million is fifty
/// times anything real and still leaves sums of a billion such events far inside int64. Beyond it (or below zero) the
/// event is kept (the exchange happened) with every token field zeroed, no cost, and an Error saying why, so it counts
/// as a failed, unpriced request instead of wrecking every total it joins. A cost beyond $1,000,000 (more than the
/// bound's tokens at the dearest price) is treated the same way.
/// </summary>
internal static class UsageBounds
{
    public const long MaxTokens = 100_000_000;
    public const decimal MaxCost = 1_000_000m;

    /// <summary>Zeroes and flags the event's usage when a number is out of bounds; returns whether it did.</summary>
    public static bool Enforce(UsageEvent usageEvent)
    {
        if (Problem(usageEvent) is not { } problem)
        {
            return false;
        }

        usageEvent.InputTokens = 0;
        usageEvent.CacheReadTokens = 0;
        usageEvent.CacheWriteTokens = 0;
        usageEvent.CacheWrite1hTokens = 0;
        usageEvent.OutputTokens = 0;
        usageEvent.ReasoningTokens = 0;
        usageEvent.Cost = null;
        var reason = "Unreadable usage: " + problem + "; token numbers not kept.";
        usageEvent.Error = string.IsNullOrEmpty(usageEvent.Error) ? reason : usageEvent.Error + "; " + reason;
        return true;
    }

    private static string? Problem(UsageEvent e) =>
        Check(nameof(UsageEvent.InputTokens), e.InputTokens)
        ?? Check(nameof(UsageEvent.CacheReadTokens), e.CacheReadTokens)
        ?? Check(nameof(UsageEvent.CacheWriteTokens), e.CacheWriteTokens)
        ?? Check(nameof(UsageEvent.CacheWrite1hTokens), e.CacheWrite1hTokens)
        ?? Check(nameof(UsageEvent.OutputTokens), e.OutputTokens)
        ?? Check(nameof(UsageEvent.ReasoningTokens), e.ReasoningTokens)
        ?? (e.Cost is { } cost && (cost < 0 || cost > MaxCost)
            ? string.Create(CultureInfo.InvariantCulture, $"Cost {cost} is beyond {MaxCost} USD")
            : null);

    private static string? Check(string field, long value) => value switch
    {
        < 0 => string.Create(CultureInfo.InvariantCulture, $"{field} {value} is negative"),
        > MaxTokens => string.Create(CultureInfo.InvariantCulture, $"{field} {value} is beyond {MaxTokens} tokens"),
        _ => null,
    };
}
