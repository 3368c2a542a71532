// Enable-TokentapContentCapture: every proxy of this data folder records billed calls' content, secrets redacted.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Enable, "TokentapContentCapture", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapContentCaptureSettings))]
public sealed class EnableTokentapContentCaptureCommand : TokentapCmdlet
{
    /// <summary>The most compressed content kept, in bytes (100MB by default); the oldest goes first.</summary>
    [Parameter, ValidateRange(1024L, long.MaxValue)]
    public long MaxContentSize { get; set; }

    /// <summary>Days content is kept; 0 keeps it until the size cap removes it.</summary>
    [Parameter, ValidateRange(0, 36500)]
    public int RetentionDays { get; set; }

    /// <summary>Emit the resulting settings.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing() => WithEngine(() =>
    {
        if (!ShouldProcess(Engine.Home, "Record the prompts and responses of billed calls (secrets redacted) from the next Start-Tokentap on"))
        {
            return;
        }

        var settings = Engine.SetContentCapture(
            enabled: true,
            MyInvocation.BoundParameters.ContainsKey(nameof(MaxContentSize)) ? MaxContentSize : null,
            MyInvocation.BoundParameters.ContainsKey(nameof(RetentionDays)) ? RetentionDays : null);
        if (Engine.ProxyUrl is not null && !Engine.GetStatus().ContentCapture)
        {
            WriteWarning("The running proxy does not capture content; it starts with the next Start-Tokentap (or use Start-Tokentap -CaptureContent).");
        }

        if (PassThru)
        {
            WriteObject(settings);
        }
    });
}
