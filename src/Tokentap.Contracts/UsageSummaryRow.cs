// One row of a usage summary: the totals of the events sharing the same group values.
namespace Tokentap;

/// <summary>
/// Totals for one group of usage events. Only the properties named by the grouping are set; the others stay null
/// (so a null <see cref="Model"/> in a by-model summary means events whose model was unknown).
/// </summary>
public sealed class UsageSummaryRow
{
    /// <summary>The calendar day in <see cref="TimeZone"/> (time of day 00:00), when grouped by Day or Hour.</summary>
    public DateTime? Day { get; init; }

    /// <summary>The start of the clock hour in <see cref="TimeZone"/>, with that zone's offset, when grouped by Hour.</summary>
    public DateTimeOffset? Hour { get; init; }

    /// <summary>The provider family, when grouped by Provider.</summary>
    public string? Provider { get; init; }

    /// <summary>The model, when grouped by Model.</summary>
    public string? Model { get; init; }

    /// <summary>The calling application, when grouped by App.</summary>
    public string? App { get; init; }

    /// <summary>The Tokentap session, when grouped by Session.</summary>
    public string? Session { get; init; }

    /// <summary>The project, when grouped by Project.</summary>
    public string? Project { get; init; }

    /// <summary>The agent conversation, when grouped by Conversation or Turn.</summary>
    public string? Conversation { get; init; }

    /// <summary>The user turn within <see cref="Conversation"/> (from 1), when grouped by Turn.</summary>
    public int? Turn { get; init; }

    /// <summary>When that turn started (UTC), when grouped by Turn.</summary>
    public DateTime? TurnStart { get; init; }

    /// <summary>The first day of the week (time of day 00:00) in <see cref="TimeZone"/>, when grouped by Week.</summary>
    public DateTime? Week { get; init; }

    /// <summary>The first day of the month (time of day 00:00) in <see cref="TimeZone"/>, when grouped by Month.</summary>
    public DateTime? Month { get; init; }

    /// <summary>The agent's own session id (Claude Code's, Codex's, Gemini CLI's), when grouped by ClientSession.</summary>
    public string? ClientSession { get; init; }

    /// <summary>When the five-hour billing block started (UTC, on the hour), when grouped by Block.</summary>
    public DateTime? BlockStart { get; init; }

    /// <summary>When the billing block ends (UTC, <see cref="BlockStart"/> + 5 hours), when grouped by Block.</summary>
    public DateTime? BlockEnd { get; init; }

    /// <summary>The block's first request (UTC), when grouped by Block.</summary>
    public DateTime? FirstRequest { get; init; }

    /// <summary>The block's last request (UTC), when grouped by Block.</summary>
    public DateTime? LastRequest { get; init; }

    /// <summary>True while the block runs: it has not ended and its last request is less than 5 hours old.</summary>
    public bool? IsActive { get; init; }

    /// <summary>
    /// Tokens per minute between the block's first and last request (all token kinds, as ccusage counts them); null
    /// when not grouped by Block or when the block's requests all came in the same instant.
    /// </summary>
    public double? TokensPerMinute { get; init; }

    /// <summary>US dollars per hour between the block's first and last request; null like <see cref="TokensPerMinute"/>
    /// or when the row's cost is unknown.</summary>
    public decimal? CostPerHour { get; init; }

    /// <summary>For an active block: <see cref="Cost"/> plus <see cref="CostPerHour"/> over the minutes left until
    /// <see cref="BlockEnd"/>; null for a finished block.</summary>
    public decimal? ProjectedCost { get; init; }

    /// <summary>
    /// What the cache reads saved in US dollars: cache-read tokens priced at the model's full input rate minus what
    /// they cost (Get-TokenUsageSummary -CacheSavings); null when not computed or when no request had a known price.
    /// </summary>
    public decimal? CacheReadSavings { get; init; }

    /// <summary>
    /// What the cache writes cost beyond the full input rate in US dollars (5 minute and 1 hour write prices minus the
    /// input price); null like <see cref="CacheReadSavings"/>.
    /// </summary>
    public decimal? CacheWriteExtraCost { get; init; }

    /// <summary><see cref="CacheReadSavings"/> minus <see cref="CacheWriteExtraCost"/>: what prompt caching saved overall.</summary>
    public decimal? NetCacheSavings => CacheReadSavings - CacheWriteExtraCost;

    /// <summary>Cost per request (<see cref="Cost"/> / the priced requests); null when the cost is unknown.</summary>
    public decimal? CostPerRequest => Cost is { } cost && Requests > UnpricedRequests ? cost / (Requests - UnpricedRequests) : null;

    /// <summary>Output tokens per prompt token (input + cache read + cache write); null when there was no prompt.</summary>
    public double? OutputInputRatio
    {
        get
        {
            var prompt = (double)InputTokens + CacheReadTokens + CacheWriteTokens;
            return prompt > 0 ? OutputTokens / prompt : null;
        }
    }

    /// <summary>
    /// Cache leverage: cache-read tokens per token sent at the full price or more (uncached input + cache writes). 10
    /// means every token paid in full was read back ten times; null when no token was paid in full.
    /// </summary>
    public double? CacheLeverage
    {
        get
        {
            var paidInFull = (double)InputTokens + CacheWriteTokens;
            return paidInFull > 0 ? CacheReadTokens / paidInFull : null;
        }
    }

    /// <summary>The id of the time zone that Day, Hour, Week and Month are expressed in.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Number of exchanges.</summary>
    public long Requests { get; init; }

    /// <summary>Exchanges that did not succeed (see <see cref="UsageEvent.IsSuccess"/>).</summary>
    public long Errors { get; init; }

    /// <summary>Uncached input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    public long CacheReadTokens { get; init; }

    /// <summary>Input tokens written to the prompt cache.</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>Output tokens, reasoning included.</summary>
    public long OutputTokens { get; init; }

    /// <summary>The reasoning part of <see cref="OutputTokens"/>.</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Input + cache read + cache write + output tokens (held at the largest value instead of wrapping).</summary>
    public long TotalTokens
    {
        get
        {
            var sum = (decimal)InputTokens + CacheReadTokens + CacheWriteTokens + OutputTokens;
            return sum > long.MaxValue ? long.MaxValue : sum < long.MinValue ? long.MinValue : (long)sum;
        }
    }

    /// <summary>Sum of the known costs in US dollars; null when no event of the group had a known price.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Exchanges whose cost is unknown (not included in <see cref="Cost"/>).</summary>
    public long UnpricedRequests { get; init; }

    /// <summary>Exchanges whose token numbers were estimated.</summary>
    public long EstimatedRequests { get; init; }

    /// <summary>Mean wall time of the exchanges, in milliseconds.</summary>
    public double AverageDurationMs { get; init; }

    /// <summary>
    /// True when a total reached the largest number it can hold (stored events with absurd usage numbers): the totals
    /// shown are that largest number, not the true sum, which would not fit.
    /// </summary>
    public bool Saturated { get; init; }
}
