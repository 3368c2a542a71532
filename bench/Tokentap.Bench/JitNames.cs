// Which methods the JIT compiles while a scenario runs (MethodLoadVerbose events), to find code that never gets warm.
using System.Diagnostics.Tracing;

namespace Tokentap.Bench;

/// <summary>Counts this process's JIT compilations per method name and tier while it listens.</summary>
internal sealed class JitNames : EventListener
{
    private const int MethodLoadVerbose = 143;
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _methods = new(StringComparer.Ordinal);

    /// <summary>The methods compiled since the last call, most often first, as "count name" lines (at most <paramref name="top"/>).</summary>
    public IEnumerable<string> Take(int top)
    {
        lock (_gate)
        {
            var lines = _methods.OrderByDescending(m => m.Value).Take(top).Select(m => $"{m.Value,6} {m.Key}").ToList();
            lines.Insert(0, $"{_methods.Values.Sum(),6} compilations of {_methods.Count} methods");
            _methods.Clear();
            return lines;
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // Keyword 0x10: JIT; verbose method events carry the names.
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x10);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != MethodLoadVerbose || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var space = names.IndexOf("MethodNamespace") is var n and >= 0 ? payload[n] as string : null;
        var name = names.IndexOf("MethodName") is var m and >= 0 ? payload[m] as string : null;
        var key = $"{space}::{name}";
        lock (_gate)
        {
            _methods[key] = _methods.GetValueOrDefault(key) + 1;
        }
    }
}
