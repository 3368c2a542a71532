// Start-Tokentap in a real pwsh writes the registry entry other shells read after it returns: a failure to write it
// is a warning at the next command, and the proxy keeps serving.
namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class StartRegistryTests(ModuleFixture module) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tokentap-start-registry-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void A_registry_entry_that_cannot_be_written_is_a_warning_at_the_next_command_and_the_proxy_keeps_running()
    {
        // "run" is a file, so the registry folder cannot be made.
        var run = Path.Combine(_home, "run");
        File.WriteAllText(run, "not a folder");

        var result = PwshProcess.Run(
            $$"""
            Import-Module '{{module.ManifestPath}}'
            function Warnings { process { if ($_ -is [System.Management.Automation.WarningRecord]) { $_.Message } } }
            $warnings = @(Start-Tokentap -Port 0 -NoEnvironment 3>&1 | Warnings)
            for ($i = 0; $i -lt 200 -and $warnings.Count -eq 0; $i++) {
                Start-Sleep -Milliseconds 50
                $warnings += @(Get-Tokentap 3>&1 | Warnings)
            }
            $again = @(Get-Tokentap 3>&1 | Warnings)
            "WARNINGS $($warnings.Count) $($again.Count)"
            $warnings | ForEach-Object { "WARNING $_" }
            "RUNNING $((Get-Tokentap).Running)"
            $null = Stop-Tokentap
            """,
            PwshEnvironment.Clean(_home));

        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, $"{result.ExitCode}: {result.Stdout} {result.Stderr}");
        var lines = result.Stdout.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith("WARNING", StringComparison.Ordinal) || l.StartsWith("RUNNING", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(["WARNINGS 1 0", "RUNNING True"], new[] { lines[0], lines[2] });
        Assert.StartsWith("WARNING Other shells cannot see this proxy (port ", lines[1], StringComparison.Ordinal);
        Assert.Contains($"writing its entry under {run} failed: ", lines[1], StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(run));
    }
}
