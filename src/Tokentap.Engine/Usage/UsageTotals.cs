// Running totals of usage events: what an hourly rollup row and a summary row both add up.
namespace Tokentap.Engine.Usage;

/// <summary>Additive totals of a set of events. Subtracting an event undoes adding it (retention uses that).</summary>
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

    public void Add(UsageEvent e, int sign = 1)
    {
        Requests += sign;
        Errors += e.IsSuccess ? 0 : sign;
        InputTokens += sign * e.InputTokens;
        CacheReadTokens += sign * e.CacheReadTokens;
        CacheWriteTokens += sign * e.CacheWriteTokens;
        OutputTokens += sign * e.OutputTokens;
        ReasoningTokens += sign * e.ReasoningTokens;
        if (e.Cost is { } cost)
        {
            Cost += sign * cost;
        }
        else
        {
            UnpricedRequests += sign;
        }

        EstimatedRequests += e.Estimated ? sign : 0;
        DurationMs += sign * e.DurationMs;
    }

    public void Add(UsageTotals other)
    {
        Requests += other.Requests;
        Errors += other.Errors;
        InputTokens += other.InputTokens;
        CacheReadTokens += other.CacheReadTokens;
        CacheWriteTokens += other.CacheWriteTokens;
        OutputTokens += other.OutputTokens;
        ReasoningTokens += other.ReasoningTokens;
        Cost += other.Cost;
        UnpricedRequests += other.UnpricedRequests;
        EstimatedRequests += other.EstimatedRequests;
        DurationMs += other.DurationMs;
    }
}
