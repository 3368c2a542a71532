// Running totals of usage events: what an hourly rollup row and a summary row both add up.
namespace Tokentap.Engine.Usage;

/// <summary>
/// Additive totals of a set of events. Subtracting an event undoes adding it (retention uses that). Sums never wrap:
/// a total that would pass the largest (or smallest) value its type holds stays there and <see cref="Saturated"/>
/// says so. New events cannot get there (see <see cref="UsageBounds"/>); events an earlier version stored can.
/// </summary>
internal sealed class UsageTotals
{
    public long Requests;
    public long Errors;
    public long InputTokens;
    public long CacheReadTokens;
    public long CacheWriteTokens;
    public long OutputTokens;
    public long ReasoningTokens;
    public decimal Cost;
    public long UnpricedRequests;
    public long EstimatedRequests;
    public double DurationMs;

    /// <summary>True when a sum was held at the limit of its type instead of wrapping.</summary>
    public bool Saturated;

    /// <summary>Input + cache read + cache write + output tokens, held at the limit like the other sums.</summary>
    public long TotalTokens => Sum(Sum(Sum(InputTokens, CacheReadTokens, out _), CacheWriteTokens, out _), OutputTokens, out _);

    public void Add(UsageEvent e, int sign = 1)
    {
        Requests = Add(Requests, sign);
        Errors = Add(Errors, e.IsSuccess ? 0 : sign);
        InputTokens = Add(InputTokens, Scaled(e.InputTokens, sign));
        CacheReadTokens = Add(CacheReadTokens, Scaled(e.CacheReadTokens, sign));
        CacheWriteTokens = Add(CacheWriteTokens, Scaled(e.CacheWriteTokens, sign));
        OutputTokens = Add(OutputTokens, Scaled(e.OutputTokens, sign));
        ReasoningTokens = Add(ReasoningTokens, Scaled(e.ReasoningTokens, sign));
        if (e.Cost is { } cost)
        {
            Cost = Add(Cost, sign * cost);
        }
        else
        {
            UnpricedRequests = Add(UnpricedRequests, sign);
        }

        EstimatedRequests = Add(EstimatedRequests, e.Estimated ? sign : 0);
        DurationMs += sign * e.DurationMs;
    }

    public void Add(UsageTotals other)
    {
        Requests = Add(Requests, other.Requests);
        Errors = Add(Errors, other.Errors);
        InputTokens = Add(InputTokens, other.InputTokens);
        CacheReadTokens = Add(CacheReadTokens, other.CacheReadTokens);
        CacheWriteTokens = Add(CacheWriteTokens, other.CacheWriteTokens);
        OutputTokens = Add(OutputTokens, other.OutputTokens);
        ReasoningTokens = Add(ReasoningTokens, other.ReasoningTokens);
        Cost = Add(Cost, other.Cost);
        UnpricedRequests = Add(UnpricedRequests, other.UnpricedRequests);
        EstimatedRequests = Add(EstimatedRequests, other.EstimatedRequests);
        DurationMs += other.DurationMs;
        Saturated |= other.Saturated;
    }

    private static long Sum(long a, long b, out bool saturated)
    {
        var sum = a + b;
        saturated = ((a ^ sum) & (b ^ sum)) < 0;
        return saturated ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    private long Add(long total, long value)
    {
        var sum = Sum(total, value, out var saturated);
        Saturated |= saturated;
        return sum;
    }

    private long Scaled(long value, int sign)
    {
        if (sign >= 0 || value != long.MinValue)
        {
            return sign * value;
        }

        Saturated = true;
        return long.MaxValue;
    }

    private decimal Add(decimal total, decimal value)
    {
        try
        {
            return total + value;
        }
        catch (OverflowException)
        {
            Saturated = true;
            return value < 0 ? decimal.MinValue : decimal.MaxValue;
        }
    }
}
