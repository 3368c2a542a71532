// Facade use case for the start trace: lets the module mark its own steps of a start (TOKENTAP_TRACE_START=1).
using Tokentap.Engine.Hosting;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>Writes a start-trace line for <paramref name="step"/> when TOKENTAP_TRACE_START is set; nothing otherwise.</summary>
    public static void MarkStartStep(string step) => StartTrace.Mark(step);
}
