// Where the start warm-up's usage events go: nowhere (not the recorder, budgets, anomalies, export or live view).
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Hosting;

/// <summary>Drops every event it is given and counts them (the warm-up's tests read the count).</summary>
internal sealed class DiscardingSink : IUsageSink
{
    private long _discarded;

    /// <summary>Events dropped so far.</summary>
    public long Discarded => Interlocked.Read(ref _discarded);

    public void Publish(UsageEvent usageEvent) => Interlocked.Increment(ref _discarded);
}
