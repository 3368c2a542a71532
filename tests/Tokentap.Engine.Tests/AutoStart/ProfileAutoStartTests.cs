// Tests for the auto-start block in a PowerShell profile.
using Tokentap.Engine.AutoStart;

namespace Tokentap.Engine.Tests.AutoStart;

public sealed class ProfileAutoStartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tt-profile-").FullName;

    private string ProfilePath => Path.Combine(_dir, "sub", "Microsoft.PowerShell_profile.ps1");

    [Fact]
    public void Enable_creates_the_file_with_the_block()
    {
        var change = ProfileAutoStart.Enable(ProfilePath, "/opt/Tokentap/Tokentap.psd1", "-Port 8081");

        Assert.Equal(ProfileChangeAction.Added, change.Action);
        Assert.Equal(
            "# >>> Tokentap auto-start >>>\n" +
            "if (Import-Module '/opt/Tokentap/Tokentap.psd1' -ErrorAction SilentlyContinue -PassThru) { Start-Tokentap -Port 8081 }\n" +
            "# <<< Tokentap auto-start <<<\n",
            File.ReadAllText(ProfilePath).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Enable_twice_is_unchanged_and_a_new_argument_updates_in_place()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ProfilePath)!);
        File.WriteAllText(ProfilePath, "Set-PSReadLineOption -EditMode Emacs\r\n");
        ProfileAutoStart.Enable(ProfilePath, "Tokentap");

        var again = ProfileAutoStart.Enable(ProfilePath, "Tokentap");
        var updated = ProfileAutoStart.Enable(ProfilePath, "Tokentap", "-Session work");

        Assert.Equal(ProfileChangeAction.Unchanged, again.Action);
        Assert.Equal(ProfileChangeAction.Updated, updated.Action);
        Assert.Equal(
            "Set-PSReadLineOption -EditMode Emacs\r\n\r\n# >>> Tokentap auto-start >>>\r\n" +
            "if (Import-Module 'Tokentap' -ErrorAction SilentlyContinue -PassThru) { Start-Tokentap -Session work }\r\n# <<< Tokentap auto-start <<<\r\n",
            File.ReadAllText(ProfilePath));
    }

    [Fact]
    public void Disable_restores_the_file_exactly_and_then_reports_not_present()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ProfilePath)!);
        const string original = "# my profile\n$env:EDITOR = 'vim'\n";
        File.WriteAllText(ProfilePath, original);
        ProfileAutoStart.Enable(ProfilePath, "Tokentap");

        var removed = ProfileAutoStart.Disable(ProfilePath);
        var again = ProfileAutoStart.Disable(ProfilePath);

        Assert.Equal(ProfileChangeAction.Removed, removed.Action);
        Assert.Equal(original, File.ReadAllText(ProfilePath));
        Assert.Equal(ProfileChangeAction.NotPresent, again.Action);
        Assert.False(ProfileAutoStart.IsEnabled(ProfilePath));
    }

    [Fact]
    public void Disable_on_a_missing_file_changes_nothing()
    {
        Assert.Equal(ProfileChangeAction.NotPresent, ProfileAutoStart.Disable(ProfilePath).Action);
        Assert.False(File.Exists(ProfilePath));
    }

    [Fact]
    public void A_block_without_its_end_marker_is_refused_with_the_line_number()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ProfilePath)!);
        File.WriteAllText(ProfilePath, "one\n# >>> Tokentap auto-start >>>\nStart-Tokentap\n");

        var error = Assert.Throws<InvalidDataException>(() => ProfileAutoStart.Disable(ProfilePath));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Equal("one\n# >>> Tokentap auto-start >>>\nStart-Tokentap\n", File.ReadAllText(ProfilePath));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
