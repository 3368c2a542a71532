// The about_ help topics: laid out in out/Tokentap/en-US from docs/about, found by Get-Help in the real pwsh, and
// naming what the module really has (every intercepted host, every session variable).
namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class AboutHelpTests(ModuleFixture module)
{
    private static readonly string[] Topics = ["about_Tokentap", "about_Tokentap_Providers"];

    [Fact]
    public void The_build_lays_out_each_topic_from_docs_about()
    {
        foreach (var topic in Topics)
        {
            var source = Path.Combine(module.RepoRoot, "docs", "about", topic + ".help.txt");
            var laidOut = Path.Combine(module.ModuleDirectory, "en-US", topic + ".help.txt");

            Assert.True(File.Exists(laidOut), $"{laidOut} is missing");
            Assert.Equal(File.ReadAllText(source), File.ReadAllText(laidOut));
            Assert.All(File.ReadAllLines(source), line => Assert.True(line.Length <= 80, $"{topic}: a line wider than 80 columns: {line}"));
        }
    }

    [Fact]
    public void Get_Help_finds_both_topics_in_the_real_pwsh()
    {
        var script = """
            Import-Module $env:TT_MANIFEST
            Get-Help about_Tokentap
            '=== SPLIT ==='
            Get-Help about_Tokentap_Providers
            '=== SPLIT ==='
            Get-Help about_Tokentap* | ForEach-Object { "$($_.Name)|$($_.Category)|$($_.Synopsis)" }
            """;

        var result = PwshProcess.Run(script, new Dictionary<string, string?> { ["TT_MANIFEST"] = module.ManifestPath });

        Assert.True(result.ExitCode == 0, result.Stderr);
        var parts = result.Stdout.Replace("\r", "", StringComparison.Ordinal).Split("=== SPLIT ===\n");
        Assert.Equal(3, parts.Length);
        Assert.StartsWith("TOPIC\n    about_Tokentap\n\nSHORT DESCRIPTION\n", parts[0], StringComparison.Ordinal);
        foreach (var section in new[] { "THE DATA IT KEEPS", "THE VARIABLES", "THE TRUST MODEL", "TROUBLESHOOTING" })
        {
            Assert.Contains("\n  " + section + "\n", parts[0], StringComparison.Ordinal);
        }

        Assert.StartsWith("TOPIC\n    about_Tokentap_Providers\n\nSHORT DESCRIPTION\n", parts[1], StringComparison.Ordinal);
        Assert.Contains("\n  HOW NUMBERS ARE NORMALIZED\n", parts[1], StringComparison.Ordinal);
        Assert.Equal(
            [
                "about_Tokentap|HelpFile|Records the tokens and cost of your LLM API calls, locally, from pwsh.",
                "about_Tokentap_Providers|HelpFile|Which tools and hosts Tokentap reads, and how it normalizes their numbers.",
            ],
            parts[2].Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_topics_name_every_intercepted_host_and_every_session_variable()
    {
        var tokentap = File.ReadAllText(Path.Combine(module.ModuleDirectory, "en-US", "about_Tokentap.help.txt"));
        var providers = File.ReadAllText(Path.Combine(module.ModuleDirectory, "en-US", "about_Tokentap_Providers.help.txt"));
        var hosts = module.Run("(Get-Tokentap).InterceptHosts").ThrowIfFailed().Output.Select(o => (string)o.BaseObject).ToList();
        var variables = module.Run("(Get-TokentapEnvironment -Port 8080).Name").ThrowIfFailed().Output.Select(o => (string)o.BaseObject).ToList();

        Assert.Equal(12, hosts.Count);
        Assert.All(hosts, host => Assert.Contains(host, providers, StringComparison.Ordinal));
        Assert.Equal(12, variables.Count);
        Assert.All(variables.Append("TOKENTAP_HOME"), name => Assert.Matches(@"\b" + name + @"\b", tokentap));
    }
}
