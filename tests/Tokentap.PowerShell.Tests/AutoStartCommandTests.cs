// Enable-TokentapAutoStart and Disable-TokentapAutoStart against a real profile file.
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class AutoStartCommandTests(ModuleFixture module) : IDisposable
{
    private readonly string _profile = Path.Combine(Directory.CreateTempSubdirectory("tt-ps-profile-").FullName, "profile.ps1");

    [Fact]
    public void Enable_then_disable_round_trips_the_profile()
    {
        File.WriteAllText(_profile, "# mine\n");

        var added = module.Run("Enable-TokentapAutoStart -Path $args[0] -StartArguments '-Port 8181'", _profile).Single<ProfileChange>();
        var text = File.ReadAllText(_profile);
        var removed = module.Run("Disable-TokentapAutoStart -Path $args[0]", _profile).Single<ProfileChange>();

        Assert.Equal(ProfileChangeAction.Added, added.Action);
        Assert.Contains($"if (Import-Module '{module.ManifestPath}' -ErrorAction SilentlyContinue -PassThru) {{ Start-Tokentap -Port 8181 }}", text, StringComparison.Ordinal);
        Assert.Equal(ProfileChangeAction.Removed, removed.Action);
        Assert.Equal("# mine\n", File.ReadAllText(_profile));
    }

    [Fact]
    public void WhatIf_changes_nothing_and_writes_nothing()
    {
        File.WriteAllText(_profile, "# mine\n");

        var result = module.Run("Enable-TokentapAutoStart -Path $args[0] -WhatIf", _profile).ThrowIfFailed();

        Assert.Empty(result.Output);
        Assert.Equal("# mine\n", File.ReadAllText(_profile));
    }

    [Fact]
    public void Without_a_profile_variable_or_path_the_error_says_to_pass_Path()
    {
        var result = module.Run("Enable-TokentapAutoStart");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ProfileNotFound,Tokentap.PowerShell.Commands.EnableTokentapAutoStartCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_profile)!, recursive: true);
}
