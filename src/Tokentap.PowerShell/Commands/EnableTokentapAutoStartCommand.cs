// Enable-TokentapAutoStart: adds a block to the PowerShell profile that starts Tokentap in every new session.
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Enable, "TokentapAutoStart", SupportsShouldProcess = true)]
[OutputType(typeof(ProfileChange))]
public sealed class EnableTokentapAutoStartCommand : TokentapCmdlet
{
    /// <summary>The profile file; default $PROFILE.</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>Arguments for Start-Tokentap in the profile, e.g. '-Port 8081 -Session work'.</summary>
    [Parameter]
    public string StartArguments { get; set; } = "";

    protected override void EndProcessing()
    {
        var profile = ResolveProfilePath(Path);
        var importTarget = ModuleImportTarget();
        if (!ShouldProcess(profile, "Add the Tokentap auto-start block"))
        {
            return;
        }

        Guarded(() => WriteObject(TokentapEngine.EnableAutoStart(profile, importTarget, StartArguments)));
    }

    /// <summary>The module's name when PowerShell finds it on PSModulePath, else the manifest's full path.</summary>
    private string ModuleImportTarget()
    {
        var module = MyInvocation.MyCommand.Module;
        var manifest = System.IO.Path.Combine(module.ModuleBase, "Tokentap.psd1");
        var modulePaths = (Environment.GetEnvironmentVariable("PSModulePath") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => System.IO.Path.GetFullPath(p).TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar);
        var onModulePath = modulePaths.Any(p => manifest.StartsWith(p, StringComparison.OrdinalIgnoreCase));
        return onModulePath ? "Tokentap" : manifest;
    }
}
