// The Tokentap session Start-Tokentap runs in this pwsh process: its listener and the environment it changed.
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell;

/// <summary>One Start-Tokentap session.</summary>
internal sealed class ActiveSession
{
    public ActiveSession(ProxyListener listener, ListenerRequest request, string name, EnvironmentBackup? environment)
    {
        Listener = listener;
        Request = request;
        Name = name;
        Environment = environment;
    }

    public ProxyListener Listener { get; }

    public string Name { get; }

    /// <summary>What Start-Tokentap changed in the environment; null with -NoEnvironment.</summary>
    public EnvironmentBackup? Environment { get; }

    /// <summary>What the listener was started with; Invoke-TokentapCommand's run listeners reuse it.</summary>
    public ListenerRequest Request { get; }
}
