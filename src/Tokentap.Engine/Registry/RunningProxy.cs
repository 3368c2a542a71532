// A proxy listening in some process on this machine, as recorded in the data folder's run registry.
namespace Tokentap.Engine.Registry;

/// <summary>One registered proxy listener: which process, port and session.</summary>
public sealed record RunningProxy(int ProcessId, int Port, string? Session, DateTime StartedUtc)
{
    /// <summary>True when the listener belongs to this process (not stored: it depends on the reader).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsThisProcess => ProcessId == Environment.ProcessId;
}
