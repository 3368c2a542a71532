// The Tokentap session Start-Tokentap runs in this pwsh process: its listener and the environment it changed.
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell;

/// <summary>One Start-Tokentap session.</summary>
internal sealed class ActiveSession
{
    public ActiveSession(ProxyListener listener, string name, EnvironmentBackup? environment, Uri? upstreamProxy)
    {
        Listener = listener;
        Name = name;
        Environment = environment;
        UpstreamProxy = upstreamProxy;
    }

    public ProxyListener Listener { get; }

    public string Name { get; }

    /// <summary>What Start-Tokentap changed in the environment; null with -NoEnvironment.</summary>
    public EnvironmentBackup? Environment { get; }

    public Uri? UpstreamProxy { get; }
}
