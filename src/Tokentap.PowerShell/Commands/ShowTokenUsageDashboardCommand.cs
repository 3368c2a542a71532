// Show-TokenUsageDashboard: starts (or reuses) the local web dashboard in this process and opens it in the browser;
// with -Demo, over demo mode's synthetic data.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Show, "TokenUsageDashboard", SupportsShouldProcess = true, DefaultParameterSetName = "Store")]
[OutputType(typeof(TokentapDashboard))]
public sealed class ShowTokenUsageDashboardCommand : DemoModeCmdlet
{
    /// <summary>The loopback port; default 8790, or the next free port when it is taken; 0 for any free port.</summary>
    [Parameter, ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>Print the address instead of opening the default browser.</summary>
    [Parameter]
    public SwitchParameter NoBrowser { get; set; }

    /// <summary>Emit the TokentapDashboard (its Url carries the access token).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing() => WithEngine(() =>
    {
        // -Demo puts demo mode in place first (as Start-Tokentap -Demo does), so the page shows the demo store.
        if (Demo && !Engine.DemoRunning && StartDemo() is null)
        {
            return;
        }

        int? port = MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : null;
        if (Engine.GetDashboard() is null && !ShouldProcess($"127.0.0.1:{port?.ToString() ?? "default port"}", "Start the Tokentap dashboard"))
        {
            return;
        }

        var dashboard = Engine.StartDashboard(port);
        DashboardLauncher.Present(this, dashboard, NoBrowser);
        if (PassThru)
        {
            WriteObject(dashboard);
        }
    });
}
