// The normalized token numbers a price is applied to.
namespace Tokentap.Engine.Pricing;

/// <summary>Token numbers of one request, normalized as in <see cref="UsageEvent"/>.</summary>
/// <param name="Input">Uncached input tokens.</param>
/// <param name="CacheRead">Input tokens read from the prompt cache.</param>
/// <param name="CacheWrite">Input tokens written to the prompt cache, all lifetimes.</param>
/// <param name="CacheWrite1h">The part of <paramref name="CacheWrite"/> written with a 1 hour lifetime.</param>
/// <param name="Output">Output tokens, reasoning included.</param>
public readonly record struct TokenCounts(long Input, long CacheRead, long CacheWrite, long CacheWrite1h, long Output)
{
    /// <summary>The whole prompt: input + cache read + cache write.</summary>
    public long Prompt => Input + CacheRead + CacheWrite;

    /// <summary>The counts of a usage event.</summary>
    public static TokenCounts From(UsageEvent usage) =>
        new(usage.InputTokens, usage.CacheReadTokens, usage.CacheWriteTokens, usage.CacheWrite1hTokens, usage.OutputTokens);
}
