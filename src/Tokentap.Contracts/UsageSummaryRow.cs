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

    /// <summary>The id of the time zone that Day and Hour are expressed in.</summary>
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
