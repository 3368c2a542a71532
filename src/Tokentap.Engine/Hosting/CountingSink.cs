// Counts captured events per session on their way to the recorder, so status can say what each listener caught.
using System.Collections.Concurrent;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Hosting;

/// <summary>Forwards events to the recorder and counts them by Session.</summary>
internal sealed class CountingSink(IUsageSink inner) : IUsageSink
{
    private readonly ConcurrentDictionary<string, long> _bySession = new(StringComparer.Ordinal);

    public void Publish(UsageEvent usageEvent)
    {
        _bySession.AddOrUpdate(usageEvent.Session ?? "", 1, (_, n) => n + 1);
        inner.Publish(usageEvent);
    }

    /// <summary>Events published for the session since the runtime started.</summary>
    public long Count(string? session) => _bySession.TryGetValue(session ?? "", out var n) ? n : 0;
}
