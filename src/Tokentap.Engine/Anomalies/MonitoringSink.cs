// Passes each captured event to the recorder, then to the live anomaly monitor.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Anomalies;

/// <summary>An <see cref="IUsageSink"/> in front of the recorder: recording first, then live detection. Never throws.</summary>
internal sealed class MonitoringSink(IUsageSink inner, AnomalyMonitor monitor) : IUsageSink
{
    public void Publish(UsageEvent usageEvent)
    {
        inner.Publish(usageEvent);
        monitor.Observe(usageEvent);
    }
}
