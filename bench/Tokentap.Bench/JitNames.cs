// Which methods the JIT compiles while a scenario runs (MethodLoadVerbose events), to find code that never gets warm.
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Tokentap.Bench;

/// <summary>Counts this process's JIT compilations per method name while it listens (keyword 0x10: JIT; verbose method events carry the names).</summary>
internal sealed class JitNames() : RuntimeEventTally((EventKeywords)0x10)
{
    private const int MethodLoadVerbose = 143;

    protected override string? Heading(long total, int names) =>
        string.Create(CultureInfo.InvariantCulture, $"{total,12:N0} compilations of {names} methods");

    protected override (string Name, long Amount)? OnRuntimeEvent(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != MethodLoadVerbose)
        {
            return null;
        }

        return ($"{Field(eventData, "MethodNamespace")}::{Field(eventData, "MethodName")}", 1);
    }
}
