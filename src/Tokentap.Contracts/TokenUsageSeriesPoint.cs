// One step of a live snapshot's time series (the sparkline): what was spent in that step.
namespace Tokentap;

/// <summary>The totals of the events whose timestamp falls in [Start, Start + the snapshot's SeriesInterval).</summary>
public sealed class TokenUsageSeriesPoint
{
    /// <summary>The start of the step, in UTC.</summary>
    public DateTime Start { get; init; }

    /// <summary>Number of exchanges.</summary>
    public long Requests { get; init; }

    /// <summary>All tokens: input, cache read, cache write and output.</summary>
    public long Tokens { get; init; }

    /// <summary>Sum of the known costs in US dollars (events without a price add nothing).</summary>
    public decimal Cost { get; init; }
}
