// A usage sink for tests: keeps every published event.
using System.Collections.Concurrent;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Providers;

internal sealed class CapturingSink : IUsageSink
{
    public ConcurrentQueue<UsageEvent> Events { get; } = new();

    public void Publish(UsageEvent usageEvent) => Events.Enqueue(usageEvent);
}
