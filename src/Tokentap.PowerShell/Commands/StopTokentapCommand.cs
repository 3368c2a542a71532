// Stop-Tokentap: flushes events, stops the proxy, restores the session's variables and reports what was captured.
using System.Management.Automation;
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Stop, "Tokentap", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapSessionReport))]
public sealed class StopTokentapCommand : TokentapCmdlet
{
    protected override void EndProcessing()
    {
        var session = ModuleState.Session;
        if (session is null)
        {
            WriteWarning("Tokentap is not running in this session.");
            return;
        }

        if (!ShouldProcess($"{session.Listener.ProxyUrl} (session {session.Name})", "Stop the Tokentap proxy and restore this session's variables"))
        {
            return;
        }

        ModuleState.EndSession();
        var runtime = ModuleState.Runtime;
        try
        {
            var report = SessionReports.Build(runtime.Store, session.Name, session.Listener.StartedUtc, DateTime.UtcNow - session.Listener.StartedUtc);
            WriteObject(report);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            WriteStoreError(ex, runtime.Paths.DatabasePath);
        }

        WriteEngineNotices();
    }
}
