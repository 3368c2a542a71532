// Use cases of anomaly detection and CI guardrails: anomalies in stored usage, and usage checked against limits.
using Tokentap.Engine.Anomalies;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>
    /// The anomalies among the stored events the filter selects, in order of their start; only the given kinds when
    /// any are given. Thresholds come from $TOKENTAP_HOME/anomalies.json.
    /// </summary>
    /// <exception cref="InvalidDataException">anomalies.json is not valid (the message names the line).</exception>
    public IReadOnlyList<TokenUsageAnomaly> FindAnomalies(UsageFilter filter, IReadOnlyCollection<TokenUsageAnomalyKind>? kinds = null)
    {
        var settings = AnomalySettingsFile.Load(Runtime.Paths);
        var found = AnomalyDetector.Detect(Runtime.Store.Query(filter, UsageOrder.OldestFirst), settings, Runtime.Prices);
        return kinds is { Count: > 0 } ? found.Where(a => kinds.Contains(a.Kind)).ToList() : found;
    }

    /// <summary>The stored events the filter selects, checked against the limits.</summary>
    /// <exception cref="InvalidDataException">anomalies.json is not valid (the message names the line).</exception>
    public TokenUsageAssertion AssertUsage(UsageFilter filter, TokenUsageLimits limits)
    {
        var settings = AnomalySettingsFile.Load(Runtime.Paths);
        return UsageAssertion.Check(Runtime.Store.Query(filter, UsageOrder.OldestFirst), limits, settings, Runtime.Prices);
    }
}
