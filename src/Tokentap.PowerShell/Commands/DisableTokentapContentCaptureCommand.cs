// Disable-TokentapContentCapture: proxies started from now on record numbers only; stored content stays until removed.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Disable, "TokentapContentCapture", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapContentCaptureSettings))]
public sealed class DisableTokentapContentCaptureCommand : TokentapCmdlet
{
    /// <summary>Emit the resulting settings.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing() => WithEngine(() =>
    {
        if (!ShouldProcess(Engine.Home, "Stop recording the content of billed calls from the next Start-Tokentap on"))
        {
            return;
        }

        var settings = Engine.SetContentCapture(enabled: false);
        if (Engine.GetStatus().ContentCapture)
        {
            WriteWarning("The running proxy still captures content until Stop-Tokentap.");
        }

        if (PassThru)
        {
            WriteObject(settings);
        }
    });
}
