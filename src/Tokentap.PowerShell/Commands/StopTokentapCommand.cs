// Stop-Tokentap: flushes events, stops the proxy, restores the session's variables and reports what was captured.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Stop, "Tokentap", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapSessionReport))]
public sealed class StopTokentapCommand : TokentapCmdlet
{
    protected override void EndProcessing() => WithEngine(() =>
    {
        if (Engine.ProxyUrl is not { } proxyUrl)
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
