// A model's price as the price table holds it, for Get-TokentapPrice.
namespace Tokentap;

/// <summary>Prices in US dollars per million tokens, in force now; null where the provider has no such price.</summary>
public sealed class ModelPriceInfo
{
    /// <summary>The price table's model id (the name a request's model resolves to).</summary>
    public required string Model { get; init; }

    /// <summary>The provider whose price this is.</summary>
    public string? Provider { get; init; }

    /// <summary>Uncached input.</summary>
    public decimal? Input { get; init; }

    /// <summary>Output, including reasoning.</summary>
    public decimal? Output { get; init; }

    /// <summary>Cache reads.</summary>
    public decimal? CacheRead { get; init; }

    /// <summary>Cache writes with the 5 minute TTL.</summary>
    public decimal? CacheWrite5m { get; init; }

    /// <summary>Cache writes with the 1 hour TTL.</summary>
    public decimal? CacheWrite1h { get; init; }

    /// <summary>Prompt size above which the whole request is billed at the long-context rates; null when none.</summary>
    public long? LongContextAbove { get; init; }

    /// <summary>Input price above <see cref="LongContextAbove"/>.</summary>
    public decimal? LongContextInput { get; init; }

    /// <summary>Output price above <see cref="LongContextAbove"/>.</summary>
    public decimal? LongContextOutput { get; init; }

    /// <summary>The model's context window in tokens, when known.</summary>
    public long? ContextWindow { get; init; }

    /// <summary>Where the price came from (package and version, or an imported file).</summary>
    public string? Source { get; init; }

    /// <summary>When the price was retrieved.</summary>
    public DateOnly? Retrieved { get; init; }

    /// <summary>True when it comes from the user's prices.json rather than the embedded table.</summary>
    public bool IsOverride { get; init; }
}
