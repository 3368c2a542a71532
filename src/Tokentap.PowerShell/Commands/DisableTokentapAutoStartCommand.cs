// Disable-TokentapAutoStart: removes Tokentap's auto-start block from the PowerShell profile.
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Disable, "TokentapAutoStart", SupportsShouldProcess = true)]
[OutputType(typeof(ProfileChange))]
public sealed class DisableTokentapAutoStartCommand : TokentapCmdlet
{
    /// <summary>The profile file; default $PROFILE.</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    protected override void EndProcessing()
    {
        var profile = ResolveProfilePath(Path);
        if (!ShouldProcess(profile, "Remove the Tokentap auto-start block"))
        {
            return;
        }

        Guarded(() => WriteObject(TokentapEngine.DisableAutoStart(profile)));
    }
}
