// One set of prices of a model, with the date or daily UTC window it applies to and its long-context tier.
namespace Tokentap.Engine.Pricing;

/// <summary>
/// Prices valid from a date on (<see cref="From"/>), during a daily UTC window (<see cref="UtcStart"/> to
/// <see cref="UtcEnd"/>, DeepSeek's off-peak/peak hours), or always when neither is set.
/// </summary>
public sealed record PricePeriod
{
    /// <summary>The first day (UTC) these prices apply; null when not date-bound.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Start of the daily UTC window these prices apply in; null when not time-bound.</summary>
    public TimeOnly? UtcStart { get; init; }

    /// <summary>End (exclusive) of the daily UTC window; a window may wrap past midnight.</summary>
    public TimeOnly? UtcEnd { get; init; }

    /// <summary>The rates up to the long-context threshold (or always, without a tier).</summary>
    public required PriceRates Rates { get; init; }

    /// <summary>Prompt size (input + cache read + cache write tokens) above which <see cref="LongContext"/> applies.</summary>
    public long? LongContextAbove { get; init; }

    /// <summary>The rates for the whole request once the prompt exceeds <see cref="LongContextAbove"/>.</summary>
    public PriceRates? LongContext { get; init; }

    /// <summary>True when this period has no date or time constraint.</summary>
    public bool IsUnconstrained => From is null && UtcStart is null;

    /// <summary>True when the period's constraint holds at the given UTC time.</summary>
    public bool AppliesAt(DateTime utc)
    {
        if (From is { } from && DateOnly.FromDateTime(utc) < from)
        {
            return false;
        }

        if (UtcStart is { } start && UtcEnd is { } end)
        {
            var now = TimeOnly.FromDateTime(utc);
            return end < start ? now >= start || now < end : now >= start && now < end;
        }

        return true;
    }
}
