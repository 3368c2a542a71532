// What Tokentap does when an anomaly of a kind is open: warn (every kind), or also refuse its requests (retry loops).
namespace Tokentap.Engine.Anomalies;

/// <summary>The action of an anomaly kind, set per kind in anomalies.json.</summary>
public enum AnomalyAction
{
    /// <summary>A notice at the next Tokentap command; nothing is refused.</summary>
    Warn,

    /// <summary>
    /// Warn, and refuse each further identical request of an open retry loop before it is forwarded (retry loops only).
    /// </summary>
    Block,
}
