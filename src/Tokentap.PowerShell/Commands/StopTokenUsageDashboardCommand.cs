// Stop-TokenUsageDashboard: stops the local web dashboard this process runs (open pages lose their connection).
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Stop, "TokenUsageDashboard", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapDashboard))]
public sealed class StopTokenUsageDashboardCommand : TokentapCmdlet
{
    /// <summary>Emit the TokentapDashboard that stopped.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing() => WithEngine(() =>
    {
        if (Engine.GetDashboard() is not { } running)
        {
            WriteWarning("The Tokentap dashboard is not running in this session.");
        }
        else if (ShouldProcess($"http://127.0.0.1:{running.Port}", "Stop the Tokentap dashboard") && Engine.StopDashboard() is { } stopped && PassThru)
        {
            WriteObject(stopped);
        }
    });
}
