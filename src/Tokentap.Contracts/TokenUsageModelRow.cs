// One row of a live snapshot's per-model table: a model's share of the window.
namespace Tokentap;

/// <summary>The totals of one provider and model over the snapshot's window.</summary>
public sealed class TokenUsageModelRow
{
    /// <summary>The provider family.</summary>
    public string Provider { get; init; } = "";

    /// <summary>The model; null for events whose model is unknown.</summary>
    public string? Model { get; init; }

    /// <summary>Number of exchanges.</summary>
    public long Requests { get; init; }

    /// <summary>Exchanges that did not succeed.</summary>
    public long Errors { get; init; }

    /// <summary>Uncached input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    public long CacheReadTokens { get; init; }

    /// <summary>Input tokens written to the prompt cache.</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>Output tokens, reasoning included.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Input + cache read + cache write + output tokens.</summary>
    public long TotalTokens => InputTokens + CacheReadTokens + CacheWriteTokens + OutputTokens;

    /// <summary>Cache read / (input + cache read + cache write); 0 when there was no input.</summary>
    public double CacheHitRatio { get; init; }

    /// <summary>
    /// What the cache reads saved in US dollars against the full input price, at the model's standard rates now; null when
    /// the model has no known price.
    /// </summary>
    public decimal? CacheReadSavings { get; init; }

    /// <summary>
    /// What the cache writes cost beyond the full input price in US dollars, at the model's standard rates now, every write
    /// priced as a 5 minute write (the live totals do not keep the 1 hour share; Get-TokenUsageSummary -CacheSavings
    /// does); null like <see cref="CacheReadSavings"/>.
    /// </summary>
    public decimal? CacheWriteExtraCost { get; init; }

    /// <summary><see cref="CacheReadSavings"/> minus <see cref="CacheWriteExtraCost"/>.</summary>
    public decimal? NetCacheSavings => CacheReadSavings - CacheWriteExtraCost;

    /// <summary>Sum of the known costs in US dollars; null when no exchange of the model had a known price.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Exchanges whose cost is unknown (not included in <see cref="Cost"/>).</summary>
    public long UnpricedRequests { get; init; }

    /// <summary>Exchanges whose token numbers were estimated.</summary>
    public long EstimatedRequests { get; init; }

    /// <summary>This model's part of the window's known cost, 0 to 1 (0 when the window cost nothing).</summary>
    public double CostShare { get; init; }
}
