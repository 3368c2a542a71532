// A Tokentap proxy that another process on this machine runs for the same data folder, as Get-Tokentap lists it.
namespace Tokentap;

/// <summary>A proxy listening in another process (another shell) that records into the same $TOKENTAP_HOME.</summary>
/// <param name="ProcessId">The process the proxy runs in.</param>
/// <param name="Port">The loopback port it listens on.</param>
/// <param name="ProxyUrl">The value for HTTPS_PROXY to send a client through it (http://127.0.0.1:PORT).</param>
/// <param name="Session">The session name its events are tagged with.</param>
/// <param name="StartTime">When it started (local time).</param>
public sealed record TokentapOtherProxy(int ProcessId, int Port, string ProxyUrl, string? Session, DateTime StartTime);
