// The module in real pwsh processes, as users run it: a profile holding the block Enable-TokentapAutoStart writes,
// two shells sharing one store, and what -NonInteractive does to a command that would ask for confirmation.
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class RealPwshTests(ModuleFixture module, MockProvidersFixture mocks) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private const string AnthropicJson = """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}""";
    private const string NonInteractiveMessage = "PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.";
    private const string TrustAnchors = "/usr/local/share/ca-certificates";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(120);
    private readonly string _home = Directory.CreateTempSubdirectory("tokentap-real-pwsh-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void A_new_pwsh_with_the_auto_start_profile_runs_Tokentap_and_records_its_requests()
    {
        // HOME is a temp folder, so $PROFILE and the default ~/.tokentap both live in it.
        var environment = PwshEnvironment.Clean(null);
        environment["HOME"] = _home;
        environment["XDG_CONFIG_HOME"] = null;
        environment["XDG_DATA_HOME"] = null;
        var startArguments = $"-Port 0 -Session profile-e2e -UpstreamOverride @{{ 'api.anthropic.com' = '{mocks.Providers.Upstream.BaseUri}' }} -UpstreamCaFile '{mocks.Providers.Authority.PemPath}'";
        var profile = Path.Combine(_home, ".config", "powershell", "Microsoft.PowerShell_profile.ps1");

        var enable = PwshProcess.Run(
            $"Import-Module '{module.ManifestPath}'; $change = Enable-TokentapAutoStart -StartArguments '{startArguments.Replace("'", "''", StringComparison.Ordinal)}'; \"PATH=$($change.Path)\"; \"ACTION=$($change.Action)\"",
            environment);

        Assert.True(enable.ExitCode == 0 && enable.Stderr.Length == 0, $"{enable.ExitCode}: {enable.Stdout} {enable.Stderr}");
        Assert.Equal($"PATH={profile}\nACTION=Added", enable.Stdout.Trim().ReplaceLineEndings("\n"));
        Assert.Equal(
            $"# >>> Tokentap auto-start >>>\nif (Import-Module '{module.ManifestPath}' -ErrorAction SilentlyContinue -PassThru) {{ Start-Tokentap {startArguments} }}\n# <<< Tokentap auto-start <<<\n",
            File.ReadAllText(profile));

        var shell = PwshProcess.Run(
            $$"""
            $status = Get-Tokentap
            "RUNNING=$($status.Running)"
            "SESSION=$($status.Session)"
            "PROXY_SET=$($env:HTTPS_PROXY -eq $status.ProxyUrl)"
            $null = curl -sS --fail --json '{{AnthropicJson}}' https://api.anthropic.com/v1/messages
            "CURL=$LASTEXITCODE"
            $report = Stop-Tokentap
            "REQUESTS=$($report.Requests)"
            Get-TokenUsage | ForEach-Object { "EVENT=$($_.Session) $($_.Model) $($_.InputTokens) $($_.OutputTokens) $($_.App)" }
            """,
            environment,
            profile: true);

        var lines = Lines(shell);
        Assert.Contains("RUNNING=True", lines);
        Assert.Contains("SESSION=profile-e2e", lines);
        Assert.Contains("PROXY_SET=True", lines);
        Assert.Contains("CURL=0", lines);
        Assert.Contains("REQUESTS=1", lines);
        Assert.Equal([$"EVENT=profile-e2e {MockProviders.AnthropicModel} 1007 53 curl"], lines.Where(l => l.StartsWith("EVENT=", StringComparison.Ordinal)));
        Assert.True(File.Exists(Path.Combine(_home, ".tokentap", "usage.db")), "the default store under the new HOME");
        Assert.True(shell.ExitCode == 0 && shell.Stderr.Length == 0, $"{shell.ExitCode}: {shell.Stderr}");
    }

    [Fact]
    public void A_second_shell_sees_the_events_the_first_shell_records_while_it_still_runs()
    {
        var environment = PwshEnvironment.Clean(_home);
        var signal = Path.Combine(_home, "stop-shell-one");
        using var first = PwshShell.Start(
            $$"""
            Import-Module '{{module.ManifestPath}}'
            Start-Tokentap -Port 0 -Session shell-one -UpstreamOverride @{ 'api.anthropic.com' = '{{mocks.Providers.Upstream.BaseUri}}' } -UpstreamCaFile '{{mocks.Providers.Authority.PemPath}}'
            foreach ($i in 1..2) { $null = curl -sS --fail --json '{{AnthropicJson}}' https://api.anthropic.com/v1/messages; if ($LASTEXITCODE) { throw "curl failed: $LASTEXITCODE" } }
            $deadline = (Get-Date).AddSeconds(30)
            while (((Get-Tokentap).EventsCaptured -lt 2 -or (Get-Tokentap).EventsPending -gt 0) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
            'READY'
            $deadline = (Get-Date).AddSeconds(120)
            while (-not (Test-Path '{{signal}}') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $report = Stop-Tokentap
            "STOPPED=$($report.Requests)"
            """,
            environment);
        first.WaitForLine("READY", Guard);

        var second = PwshProcess.Run(
            $$"""
            Import-Module '{{module.ManifestPath}}'
            Get-TokenUsage | ForEach-Object { "EVENT=$($_.Session) $($_.Model) $($_.InputTokens) $($_.Cost)" }
            Get-TokenUsageSummary -By Session | ForEach-Object { "SUMMARY=$($_.Session) $($_.Requests) $($_.CacheReadTokens) $($_.Cost.ToString('0.########', [cultureinfo]::InvariantCulture))" }
            """,
            environment);
        var stillRunning = !first.HasExited;
        File.WriteAllText(signal, "");
        var firstResult = first.WaitForExit(Guard);

        Assert.True(stillRunning, "the first shell was still running its proxy when the second one read the store");
        Assert.True(second.ExitCode == 0 && second.Stderr.Length == 0, $"{second.ExitCode}: {second.Stderr}");
        var expected = $"EVENT=shell-one {MockProviders.AnthropicModel} 1007 0.00577605";
        Assert.Equal([expected, expected, "SUMMARY=shell-one 2 4002 0.0115521"], Lines(second));
        Assert.True(firstResult.ExitCode == 0, $"{firstResult.ExitCode}: {firstResult.Stderr}");
        Assert.Contains("STOPPED=2", Lines(firstResult));
    }

    [Fact]
    public void NonInteractive_Remove_TokenUsage_fails_at_its_confirmation_instead_of_waiting_and_removes_nothing()
    {
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), [new UsageEvent { Timestamp = DateTime.UtcNow.AddHours(-1), Provider = "anthropic", Host = "api.anthropic.com", Endpoint = "messages", Model = "claude-x", InputTokens = 10, StatusCode = 200, Session = "kept" }]);

        var result = PwshProcess.Run(
            $$"""
            Import-Module '{{module.ManifestPath}}'
            Remove-TokenUsage -Before (Get-Date).AddDays(1)
            "STATUS=$?"
            "ERROR=$($Error[0].FullyQualifiedErrorId) $($Error[0].CategoryInfo.Category)"
            "MESSAGE=$($Error[0].Exception.Message)"
            "LEFT=$(@(Get-TokenUsage).Count)"
            Remove-TokenUsage -Before (Get-Date).AddDays(1) -Confirm:$false
            "CONFIRMED_LEFT=$(@(Get-TokenUsage).Count)"
            """,
            PwshEnvironment.Clean(_home));

        var lines = Lines(result);
        Assert.Contains("STATUS=False", lines);
        Assert.Contains("ERROR=InvalidOperation,Tokentap.PowerShell.Commands.RemoveTokenUsageCommand InvalidOperation", lines);
        Assert.Contains("LEFT=1", lines);
        Assert.Contains("CONFIRMED_LEFT=0", lines);
        Assert.Contains($"MESSAGE={NonInteractiveMessage}", lines);
        Assert.StartsWith("Remove-TokenUsage:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NonInteractive_Install_TokentapCertificate_fails_at_its_confirmation_and_leaves_the_trust_store_alone()
    {
        var before = Anchors();
        try
        {
            var result = PwshProcess.Run(
                $$"""
                Import-Module '{{module.ManifestPath}}'
                Install-TokentapCertificate
                "STATUS=$?"
                "ERROR=$($Error[0].FullyQualifiedErrorId) $($Error[0].CategoryInfo.Category)"
                "MESSAGE=$($Error[0].Exception.Message)"
                """,
                PwshEnvironment.Clean(_home));

            var lines = Lines(result);
            Assert.Contains("STATUS=False", lines);
            Assert.Contains("ERROR=InvalidOperation,Tokentap.PowerShell.Commands.InstallTokentapCertificateCommand InvalidOperation", lines);
            Assert.Contains($"MESSAGE={NonInteractiveMessage}", lines);
            Assert.StartsWith("Install-TokentapCertificate:", result.Stderr, StringComparison.Ordinal);
            Assert.Equal(before, Anchors());
        }
        finally
        {
            if (!before.SequenceEqual(Anchors()))
            {
                PwshProcess.Run($"Import-Module '{module.ManifestPath}'; Uninstall-TokentapCertificate -Confirm:$false", PwshEnvironment.Clean(_home));
            }
        }
    }

    private static string[] Anchors() => Directory.Exists(TrustAnchors) ? Directory.GetFiles(TrustAnchors, "tokentap-*").Order().ToArray() : [];

    private static List<string> Lines(ChildResult result) =>
        result.Stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
