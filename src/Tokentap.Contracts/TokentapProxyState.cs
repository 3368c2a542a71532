// Where the Tokentap proxy for a data folder runs, as the live view's header reports it.
namespace Tokentap;

/// <summary>Whether a proxy is capturing usage for the data folder, and where.</summary>
public enum TokentapProxyState
{
    /// <summary>No process runs a proxy for this data folder: nothing new will be captured.</summary>
    NotRunning,

    /// <summary>A proxy runs in this process (Start-Tokentap or Invoke-TokentapCommand in this shell).</summary>
    RunningHere,

    /// <summary>A proxy runs in another process (another shell) for the same data folder.</summary>
    RunningElsewhere,
}
