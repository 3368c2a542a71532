// Stop-Tokentap: flushes events, stops the proxy, restores the session's variables and reports what was captured;
// or ends demo mode.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Stop, "Tokentap", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapSessionReport))]
public sealed class StopTokentapCommand : TokentapCmdlet
{
    protected override void EndProcessing() => WithEngine(() =>
    {
        if (Engine.DemoRunning)
        {
            if (ShouldProcess(Engine.DatabasePath, "Stop demo mode's synthetic traffic and its dashboard (the demo store keeps its data)") && Engine.StopDemo())
            {
                // A dashboard over the demo store ends with it, so the next command is back on the real store.
                Engine.StopDashboard();
                WriteHostLine("Tokentap demo mode stopped; the next command uses your real data again.");
            }
        }
        else if (Engine.ProxyUrl is not { } proxyUrl)
        {
            WriteWarning("Tokentap is not running in this session.");
        }
        else if (ShouldProcess($"{proxyUrl} (session {Engine.ProxySession})", "Stop the Tokentap proxy and restore this session's variables")
            && ModuleState.StopSession() is { } report)
        {
            WriteObject(report);
        }
    });
}
