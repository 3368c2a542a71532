// One priced model: which ids it covers, its context window, where its prices come from, and its cost rule.
namespace Tokentap.Engine.Pricing;

/// <summary>A model of the price table and the prices it has had.</summary>
public sealed class ModelPrice
{
    private const decimal TokensPerUnit = 1_000_000m;

    /// <summary>The canonical model id (claude-sonnet-4-5, gpt-5.4, gemini-2.5-pro).</summary>
    public required string Id { get; init; }

    /// <summary>The price provider (anthropic, openai, google, deepseek, mistral, xai, groq, together); null when unknown.</summary>
    public string? Provider { get; init; }

    /// <summary>Which ids besides <see cref="Id"/> this entry covers (dated snapshots, aliases); null for the id alone.</summary>
    public ModelMatch? Match { get; init; }

    /// <summary>The context window in tokens, when known.</summary>
    public long? ContextWindow { get; init; }

    /// <summary>Where the prices come from (package and version, imported file).</summary>
    public string? Source { get; init; }

    /// <summary>When the prices were taken from their source.</summary>
    public DateOnly? Retrieved { get; init; }

    /// <summary>The price periods in source order; see <see cref="PeriodAt"/>.</summary>
    public required IReadOnlyList<PricePeriod> Periods { get; init; }

    /// <summary>True when the id is this model's id or satisfies its match rule.</summary>
    public bool Covers(string id) =>
        string.Equals(id, Id, StringComparison.OrdinalIgnoreCase) || (Match?.IsMatch(id) ?? false);

    /// <summary>
    /// The prices in force at a UTC time: the last period whose constraint holds, an unconstrained period ending the
    /// search (the genai-prices rule, so later date- or time-bound entries override the base prices).
    /// </summary>
    public PricePeriod PeriodAt(DateTime utc)
    {
        for (var i = Periods.Count - 1; i >= 0; i--)
        {
            var period = Periods[i];
            if (period.IsUnconstrained || period.AppliesAt(utc))
            {
                return period;
            }
        }

        return Periods[0];
    }

    /// <summary>
    /// The cost in USD of a request at a UTC time. Above a long-context threshold the whole request is billed at the
    /// long-context rates (how Anthropic, Google, OpenAI and xAI bill their tiers). Missing cache rates fall back to
    /// the input rate (1 hour writes to the 5 minute write rate first).
    /// </summary>
    public decimal Cost(TokenCounts counts, DateTime atUtc)
    {
        var period = PeriodAt(atUtc);
        var rates = period.LongContext is { } longContext && period.LongContextAbove is { } above && counts.Prompt > above
            ? longContext
            : period.Rates;
        var input = rates.Input ?? 0m;
        var cacheRead = rates.CacheRead ?? input;
        var write5m = rates.CacheWrite5m ?? input;
        var write1h = rates.CacheWrite1h ?? write5m;
        var oneHour = Math.Clamp(counts.CacheWrite1h, 0, Math.Max(counts.CacheWrite, 0));
        var total = counts.Input * input
            + counts.CacheRead * cacheRead
            + (counts.CacheWrite - oneHour) * write5m
            + oneHour * write1h
            + counts.Output * (rates.Output ?? 0m);
        return total / TokensPerUnit;
    }
}
