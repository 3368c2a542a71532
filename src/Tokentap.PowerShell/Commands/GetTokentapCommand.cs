// Get-Tokentap: whether the proxy runs in this session, where, and what it has captured.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "Tokentap")]
[OutputType(typeof(TokentapStatus))]
public sealed class GetTokentapCommand : TokentapCmdlet
{
    protected override void EndProcessing() => WithEngine(() => WriteObject(Engine.GetStatus()));
}
