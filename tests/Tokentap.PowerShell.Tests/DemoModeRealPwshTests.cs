// Start-Tokentap -Demo in real pwsh processes: marked synthetic data that keeps arriving, the same data for the same
// seed in another process, and the real store untouched after Stop-Tokentap.
using System.Globalization;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class DemoModeRealPwshTests(ModuleFixture module) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tokentap-demo-pwsh-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void Start_Tokentap_Demo_in_real_pwsh_grows_is_repeatable_by_seed_and_leaves_the_real_store_empty()
    {
        var environment = PwshEnvironment.Clean(_home);
        environment["TT_MANIFEST"] = module.ManifestPath;
        // Events older than ten minutes are the same in both processes (history ends at each start).
        environment["TT_UNTIL"] = DateTime.UtcNow.AddMinutes(-10).ToString("o", CultureInfo.InvariantCulture);
        const string Start = """
            Import-Module $env:TT_MANIFEST
            Start-Tokentap -Demo -DemoPreset Light -Seed 3
            $s = Get-Tokentap
            "DEMO=$($s.Demo) $($s.DemoPreset) $($s.DemoSeed) $($s.Running) $($s.DatabasePath)"
            $until = [datetime]::Parse($env:TT_UNTIL, $null, 'RoundtripKind')
            "HISTORY=$((Get-TokenUsage -Until $until | ForEach-Object { $_.Id }) -join ',')"
            "SOURCES=$((Get-TokenUsage | ForEach-Object { "$($_.Source)" } | Sort-Object -Unique) -join ',')"
            """;

        var first = PwshProcess.Run(Start + """

            $count = @(Get-TokenUsage).Count
            $deadline = (Get-Date).AddSeconds(30)
            while (@(Get-TokenUsage).Count -eq $count -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 500 }
            "GREW=$(@(Get-TokenUsage).Count -gt $count)"
            Stop-Tokentap
            "AFTER=$((Get-Tokentap).Demo) $(@(Get-TokenUsage).Count) $((Get-Tokentap).DatabasePath)"
            """, environment);
        var second = PwshProcess.Run(Start + "\nStop-Tokentap", environment);

        Assert.True(first.ExitCode == 0 && first.Stderr.Length == 0, $"{first.ExitCode}: {first.Stdout} {first.Stderr}");
        Assert.True(second.ExitCode == 0 && second.Stderr.Length == 0, $"{second.ExitCode}: {second.Stdout} {second.Stderr}");
        var lines = Lines(first.Stdout);
        Assert.Contains($"DEMO=True Light 3 False {Path.Combine(_home, "demo", "usage.db")}", lines);
        Assert.Contains("SOURCES=Demo", lines);
        Assert.Contains("GREW=True", lines);
        Assert.Contains($"AFTER=False 0 {Path.Combine(_home, "usage.db")}", lines);

        var history = Assert.Single(lines, l => l.StartsWith("HISTORY=", StringComparison.Ordinal));
        Assert.True(history.Length > "HISTORY=".Length + 36 * 20, history);
        Assert.Equal(history, Assert.Single(Lines(second.Stdout), l => l.StartsWith("HISTORY=", StringComparison.Ordinal)));
    }

    private static List<string> Lines(string text) => text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
}
