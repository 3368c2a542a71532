// Every cmdlet's help: present, with examples, and naming exactly the cmdlet's real parameters (no drift).
using System.Management.Automation;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class HelpTests(ModuleFixture module)
{
    private static readonly HashSet<string> CommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };

    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        var manifest = File.ReadAllText(Path.Combine(FindRepoRoot(), "Tokentap.psd1"));
        var list = manifest[manifest.IndexOf("CmdletsToExport", StringComparison.Ordinal)..];
        list = list[..list.IndexOf(')', StringComparison.Ordinal)];
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(list, @"'([A-Za-z]+-[A-Za-z]+)'").Select(m => m.Groups[1].Value))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_has_a_synopsis_a_description_and_at_least_two_examples(string cmdlet)
    {
        var help = Assert.Single(module.Run("Get-Help -Name $args[0] -Full", cmdlet).ThrowIfFailed().Output);

        var synopsis = help.Properties["Synopsis"].Value?.ToString() ?? "";
        Assert.False(synopsis.StartsWith(cmdlet, StringComparison.Ordinal), $"{cmdlet} has no compiled help (synopsis is its syntax)");
        Assert.True(synopsis.Length > 20, $"{cmdlet} synopsis too short: {synopsis}");
        var examples = module.Run("@((Get-Help -Name $args[0] -Examples).examples.example).Count", cmdlet).Single<int>();
        Assert.True(examples >= 2, $"{cmdlet} has {examples} examples");
        var description = module.Run("(Get-Help -Name $args[0] -Full).description.Text -join ' '", cmdlet).Single<string>();
        Assert.True(description.Length > 40, $"{cmdlet} description too short");
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_documents_exactly_the_real_parameters(string cmdlet)
    {
        var real = module.Run("(Get-Command -Name $args[0]).Parameters.Keys", cmdlet).ThrowIfFailed().Output
            .Select(o => (string)o.BaseObject).Where(p => !CommonParameters.Contains(p)).Order().ToList();
        var documented = module.Run("@((Get-Help -Name $args[0] -Full).parameters.parameter) | Where-Object { $_ } | ForEach-Object { $_.name }", cmdlet).ThrowIfFailed().Output
            .Select(o => (string)o.BaseObject).Order().ToList();

        Assert.Equal(real, documented);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tokentap.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tokentap.sln not found");
    }
}
