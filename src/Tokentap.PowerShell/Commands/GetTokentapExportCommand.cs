// Get-TokentapExport: the OTLP export's settings, the position reached, the backlog and the last failure and success.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokentapExport")]
[OutputType(typeof(TokentapExportStatus))]
public sealed class GetTokentapExportCommand : TokentapCmdlet
{
    protected override void EndProcessing() => WithEngine(() => WriteObject(Engine.GetExport()));
}
