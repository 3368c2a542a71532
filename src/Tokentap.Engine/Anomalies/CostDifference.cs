// What an event cost beyond the same event with other token numbers: the price of a cache break or a spike.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Anomalies;

internal static class CostDifference
{
    /// <summary>
    /// The event's cost minus its cost with the given prompt numbers (output unchanged), both from the price table;
    /// null when the event has no known cost or the table has no price for its model.
    /// </summary>
    public static decimal? Of(PriceTable? prices, UsageEvent actual, long input, long cacheRead, long cacheWrite, long cacheWrite1h)
    {
        if (prices is null || actual.Cost is null)
        {
            return null;
        }

        var hypothetical = new UsageEvent(actual.Id)
        {
            Timestamp = actual.Timestamp,
            Provider = actual.Provider,
            Model = actual.Model,
            RequestModel = actual.RequestModel,
            InputTokens = input,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            CacheWrite1hTokens = cacheWrite1h,
            OutputTokens = actual.OutputTokens,
            ReasoningTokens = actual.ReasoningTokens,
        };
        return prices.Cost(actual) is { } paid && prices.Cost(hypothetical) is { } instead ? paid - instead : null;
    }
}
