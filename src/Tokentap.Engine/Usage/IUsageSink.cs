// Where captured usage events go: the proxy path hands them over and never waits.
namespace Tokentap.Engine.Usage;

/// <summary>Accepts usage events without blocking; implementations queue them for the store's single writer.</summary>
public interface IUsageSink
{
    /// <summary>Queues one event. Never blocks and never throws; a full queue is counted and reported.</summary>
    void Publish(UsageEvent usageEvent);
}
