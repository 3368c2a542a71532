// Checks a set of usage events against CI limits: cost, error rate, requests, tokens and forbidden anomalies.
using System.Globalization;
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// Computes the figures of <see cref="TokenUsageAssertion"/> and one sentence per failed check. A cost limit over
/// requests whose price is unknown fails and says so: an unknown cost is never taken as zero. Requests without
/// tokens (most failures) cost nothing whatever their price, so they never make the cost unknown.
/// </summary>
internal static class UsageAssertion
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static TokenUsageAssertion Check(IEnumerable<UsageEvent> events, TokenUsageLimits limits, AnomalySettings settings, PriceTable? prices)
    {
        var list = events.ToList();
        long requests = list.Count, errors = 0, tokens = 0, unpriced = 0;
        decimal cost = 0;
        var unpricedModels = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in list)
        {
            errors += e.IsSuccess ? 0 : 1;
            tokens += e.TotalTokens;
            if (e.Cost is { } known)
            {
                cost += known;
            }
            else if (e.TotalTokens > 0)
            {
                unpriced++;
                unpricedModels.Add(e.Model ?? e.RequestModel ?? "(unknown model)");
            }
        }

        var anomalies = AnomalyDetector.Detect(list, settings, prices);
        var errorRate = requests > 0 ? (double)errors / requests : 0;
        var failures = new List<string>();
        if (limits.MaxCost is { } maxCost)
        {
            if (cost > maxCost)
            {
                failures.Add(string.Format(Culture, "Cost ${0:0.00####} is over -MaxCost ${1:0.00####}.", cost, maxCost));
            }
            else if (unpriced > 0)
            {
                failures.Add(string.Format(
                    Culture, "Cost cannot be checked against -MaxCost ${0:0.00####}: {1} {2} with no known price ({3}); the priced ones cost ${4:0.00####}.",
                    maxCost, unpriced, unpriced == 1 ? "request has tokens" : "requests have tokens", string.Join(", ", unpricedModels), cost));
            }
        }

        if (limits.MaxErrorRate is { } maxRate && errorRate > maxRate)
        {
            failures.Add(string.Format(Culture, "Error rate {0:0.##%} ({1} of {2} requests failed) is over -MaxErrorRate {3:0.##%}.", errorRate, errors, requests, maxRate));
        }

        if (limits.MaxRequests is { } maxRequests && requests > maxRequests)
        {
            failures.Add(string.Format(Culture, "{0:N0} requests is over -MaxRequests {1:N0}.", requests, maxRequests));
        }

        if (limits.MaxTokens is { } maxTokens && tokens > maxTokens)
        {
            failures.Add(string.Format(Culture, "{0:N0} tokens is over -MaxTokens {1:N0}.", tokens, maxTokens));
        }

        foreach (var kind in limits.NoAnomaly.Distinct())
        {
            var found = anomalies.Where(a => a.Kind == kind).ToList();
            if (found.Count > 0)
            {
                failures.Add(string.Format(
                    Culture, "{0} {1} found (-NoAnomaly {0}); first: session {2}: {3}.", kind, found.Count == 1 ? "anomaly" : $"anomalies ({found.Count})", found[0].Session, found[0].Detail));
            }
        }

        return new TokenUsageAssertion
        {
            Requests = requests,
            Errors = errors,
            ErrorRate = errorRate,
            TotalTokens = tokens,
            Cost = cost,
            UnpricedRequests = unpriced,
            Anomalies = anomalies,
            Limits = limits,
            Failures = failures,
        };
    }
}
