// Start-Tokentap's parameters of both its sets (proxy and demo): -Dashboard and -PassThru, and the status they shape.
using System.Management.Automation;

namespace Tokentap.PowerShell;

/// <summary>What Start-Tokentap does after either start: open the dashboard when asked, emit the status when asked.</summary>
public abstract class StartOptionsCmdlet : DemoModeCmdlet
{
    /// <summary>Also start the web dashboard and open it in the browser (as Show-TokenUsageDashboard does).</summary>
    [Parameter]
    public SwitchParameter Dashboard { get; set; }

    /// <summary>Emit the TokentapStatus.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Starts the dashboard if asked, then writes the status if asked (null: nothing was started).</summary>
    private protected void Emit(TokentapStatus? status) => DashboardLauncher.EmitStatus(this, status, PassThru, Dashboard);

    /// <summary>
    /// <see cref="Emit"/> for a running proxy: the status is built only when it is written or the dashboard starts (it
    /// costs a new shell's start more than anything else after the listener is up; docs/benchmarks.md, "Start").
    /// </summary>
    private protected void EmitRunning()
    {
        if (PassThru || Dashboard)
        {
            Emit(Engine.GetStatus());
        }
    }
}
