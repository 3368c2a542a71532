// Assert-TokenUsage's checks: exact figures, one sentence per failed check, and an unknown price never taken as zero.
using Tokentap.Engine.Anomalies;
using static Tokentap.Engine.Tests.Anomalies.SessionEvents;

namespace Tokentap.Engine.Tests.Anomalies;

public sealed class UsageAssertionTests
{
    private static TokenUsageAssertion Check(IEnumerable<UsageEvent> events, TokenUsageLimits limits) =>
        UsageAssertion.Check(events, limits, AnomalySettings.Default, Prices);

    // 4 requests: 3 priced successes of 1,100 tokens at $0.003 each... and one 529 without tokens.
    private static UsageEvent[] Run() =>
    [
        Call(0, 1_000, 0, 0),
        Call(10, 1_000, 0, 0),
        Call(20, 1_000, 0, 0),
        Failure(30),
    ];

    [Fact]
    public void Within_every_limit_it_passes_with_the_figures()
    {
        var result = Check(Run(), new TokenUsageLimits { MaxCost = 0.03m, MaxErrorRate = 0.25, MaxRequests = 4, MaxTokens = 3_300, NoAnomaly = [TokenUsageAnomalyKind.RetryLoop] });

        Assert.True(result.Passed);
        Assert.Empty(result.Failures);
        Assert.Equal(4, result.Requests);
        Assert.Equal(1, result.Errors);
        Assert.Equal(0.25, result.ErrorRate);
        Assert.Equal(3_300, result.TotalTokens);
        // Each: 1,000 input at $5 and 100 output at $25 per million.
        Assert.Equal(0.0225m, result.Cost);
        Assert.Equal(0, result.UnpricedRequests);
        Assert.Empty(result.Anomalies);
    }

    [Fact]
    public void Each_failed_check_says_its_figure()
    {
        var events = Run().Concat(Enumerable.Range(0, 4).Select(i => Call(40 + i, 10, 0, 0, output: 0, fingerprint: "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"))).ToArray();

        var result = Check(events, new TokenUsageLimits { MaxCost = 0.02m, MaxErrorRate = 0.05, MaxRequests = 5, MaxTokens = 3_000, NoAnomaly = [TokenUsageAnomalyKind.RetryLoop, TokenUsageAnomalyKind.CacheBreak] });

        Assert.False(result.Passed);
        Assert.Equal(
            [
                "Cost $0.0227 is over -MaxCost $0.02.",
                "Error rate 12.5% (1 of 8 requests failed) is over -MaxErrorRate 5%.",
                "8 requests is over -MaxRequests 5.",
                "3,340 tokens is over -MaxTokens 3,000.",
                "RetryLoop anomaly found (-NoAnomaly RetryLoop); first: session cc-1: 4 identical messages requests in 3 s, 0 of them failed (last: 200); request fingerprint eeeeeeeeeeee.",
            ],
            result.Failures);
        Assert.Equal(TokenUsageAnomalyKind.RetryLoop, Assert.Single(result.Anomalies).Kind);
    }

    [Fact]
    public void A_cost_limit_over_unknown_prices_fails_and_says_so()
    {
        var events = Run().Append(Call(50, 500, 0, 0, model: "house-model-1")).Append(Call(60, 0, 0, 0, output: 0, model: "house-model-2", status: 500, error: "HTTP 500")).ToArray();

        var result = Check(events, new TokenUsageLimits { MaxCost = 1m });

        Assert.Equal(0.0225m, result.Cost);
        Assert.Equal(1, result.UnpricedRequests);
        Assert.Equal(
            ["Cost cannot be checked against -MaxCost $1.00: 1 request has tokens with no known price (house-model-1); the priced ones cost $0.0225."],
            result.Failures);
    }
}
