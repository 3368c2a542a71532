// Use cases of anomaly detection and CI guardrails: anomalies in stored usage, and usage checked against limits.
using Tokentap.Engine.Anomalies;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>Where the anomaly thresholds are read from: $TOKENTAP_HOME/anomalies.json.</summary>
    public string AnomalySettingsPath => AnomalySettingsFile.PathIn(Runtime.Paths);

    /// <summary>
    /// The anomalies among the stored events the filter selects, in order of their start; only the given kinds when
    /// any are given. Thresholds come from $TOKENTAP_HOME/anomalies.json. Events before -Since are not seen, so a
    /// session's history before it does not count (a spike's median, a run of cache hits).
    /// </summary>
    /// <exception cref="TokentapException">AnomalySettingsInvalid: anomalies.json is not valid (the message names the line); or a store failure.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while events were read.</exception>
    public IReadOnlyList<TokenUsageAnomaly> FindAnomalies(
        UsageFilter filter, IReadOnlyCollection<TokenUsageAnomalyKind>? kinds = null, CancellationToken cancellationToken = default)
    {
        var settings = LoadAnomalySettings();
        var found = AnomalyDetector.Detect(Read(filter, cancellationToken), settings, Runtime.Prices);
        return kinds is { Count: > 0 } ? found.Where(a => kinds.Contains(a.Kind)).ToList() : found;
    }

    /// <summary>The stored events the filter selects, checked against the limits.</summary>
    /// <exception cref="TokentapException">AnomalySettingsInvalid: anomalies.json is not valid (the message names the line); or a store failure.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while events were read.</exception>
    public TokenUsageAssertion AssertUsage(UsageFilter filter, TokenUsageLimits limits, CancellationToken cancellationToken = default)
    {
        var settings = LoadAnomalySettings();
        return UsageAssertion.Check(Read(filter, cancellationToken), limits, settings, Runtime.Prices);
    }

    private AnomalySettings LoadAnomalySettings()
    {
        try
        {
            return AnomalySettingsFile.Load(Runtime.Paths);
        }
        catch (InvalidDataException ex)
        {
            throw EngineFailures.Refused("AnomalySettingsInvalid", TokentapErrorCategory.InvalidData, ex.Message, AnomalySettingsPath);
        }
    }

    private IEnumerable<UsageEvent> Read(UsageFilter filter, CancellationToken cancellationToken)
    {
        foreach (var usageEvent in GetUsage(filter))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return usageEvent;
        }
    }
}
