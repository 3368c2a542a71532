// The token prices of one model in one period, in US dollars per million tokens.
namespace Tokentap.Engine.Pricing;

/// <summary>
/// Per-million-token USD rates. A missing rate falls back the way providers bill: cache reads and 5 minute cache
/// writes at the input rate, 1 hour cache writes at the 5 minute rate (see <see cref="ModelPrice.Cost"/>).
/// </summary>
public sealed record PriceRates
{
    /// <summary>Uncached input tokens.</summary>
    public decimal? Input { get; init; }

    /// <summary>Output tokens, reasoning included.</summary>
    public decimal? Output { get; init; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    public decimal? CacheRead { get; init; }

    /// <summary>Input tokens written to the prompt cache with the default (5 minute) lifetime.</summary>
    public decimal? CacheWrite5m { get; init; }

    /// <summary>Input tokens written to the prompt cache with a 1 hour lifetime.</summary>
    public decimal? CacheWrite1h { get; init; }

    /// <summary>True when the rates price at least input or output.</summary>
    public bool HasTokenPrices => Input is not null || Output is not null;
}
