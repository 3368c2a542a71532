// Disable-TokentapExport: turns the OTLP export off, keeping the endpoint and the position reached.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Disable, "TokentapExport", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapExportStatus))]
public sealed class DisableTokentapExportCommand : TokentapCmdlet
{
    protected override void EndProcessing()
    {
        if (!ShouldProcess(Engine.Home, "Stop exporting Tokentap usage over OTLP"))
        {
            return;
        }

        WithEngine(() => WriteObject(Engine.DisableExport()));
    }
}
