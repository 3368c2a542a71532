// docs/ci.md's agent step run as written in the real pwsh with the real Claude Code against the mock: it passes within
// its limits and exits 1 with the failed check's text over them. And the real Claude Code retrying an overloaded API:
// a retry loop and an error burst, noticed at the next command and found in history.
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tokentap.Testing;
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed partial class CiGuardrailTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private const string StepName = "Run the agent and check what it spent";
    private readonly MockedPwsh _shell = new(module, mocks.Providers);

    public void Dispose() => _shell.Dispose();

    /// <summary>
    /// The lines of the step's run block in docs/ci.md. The module import line becomes the test's import, with a
    /// Tokentap session (no variables) that sends api.anthropic.com to the mock; every other line runs as written.
    /// </summary>
    private string StepScript(Func<string, string>? change = null)
    {
        var lines = File.ReadAllLines(Path.Combine(module.RepoRoot, "docs", "ci.md"));
        var step = Array.FindIndex(lines, l => l.Trim() == "- name: " + StepName);
        Assert.True(step >= 0, $"docs/ci.md has no step '{StepName}'");
        var run = Array.FindIndex(lines, step, l => l.Trim() == "run: |");
        var indent = lines[run + 1].Length - lines[run + 1].TrimStart().Length;
        var block = lines.Skip(run + 1).TakeWhile(l => l.Length > indent && l[..indent].Trim().Length == 0).Select(l => l[indent..]).ToList();
        Assert.Equal("Import-Module ./.tokentap/out/Tokentap/Tokentap.psd1", block[0]);
        var script = string.Join("\n", block.Skip(1).Select(l => change is null ? l : change(l)));
        return _shell.Preamble("ci-host", environment: false) + script + "\n";
    }

    [Fact]
    public void The_CI_step_passes_within_its_limits()
    {
        var result = _shell.Run(StepScript());
        output.WriteLine(result.Stdout + result.Stderr);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stdout}{result.Stderr}");
        Assert.Contains("1 requests, 0 failed, cost 0.00962675 USD", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Assert-TokenUsage", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_CI_step_exits_1_with_the_failed_check_over_its_limit()
    {
        var result = _shell.Run(StepScript(l => l.Replace("-MaxCost 2 ", "-MaxCost 0.001 ", StringComparison.Ordinal)));
        output.WriteLine(result.Stdout + result.Stderr);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("1 requests, 0 failed, cost 0.00962675 USD", result.Stdout, StringComparison.Ordinal);
        var error = AnsiSequence().Replace(result.Stderr, "").ReplaceLineEndings("\n");
        Assert.StartsWith("Assert-TokenUsage: \n", error, StringComparison.Ordinal);
        Assert.Contains("| Token usage is over its limits:\n  Cost $0.009627 is over -MaxCost $0.001.\n", error, StringComparison.Ordinal);
        Assert.DoesNotContain("is over -MaxErrorRate", error, StringComparison.Ordinal);
        Assert.DoesNotContain("is over -MaxRequests", error, StringComparison.Ordinal);
        Assert.DoesNotContain("anomaly found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claude_Code_retrying_an_overloaded_API_is_a_retry_loop_and_an_error_burst()
    {
        var arrivals = new ConcurrentQueue<(DateTime Time, string Body)>();
        await using var overloaded = await MockUpstream.StartAsync(mocks.Providers.Authority.IssueServerCertificate(["localhost"]));
        overloaded.Map("POST", "/v1/messages", async context =>
        {
            arrivals.Enqueue((DateTime.UtcNow, context.Request.BodyText));
            await MockResponses.Json("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", 529)(context);
        });
        var script = $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module '{{module.ManifestPath}}'
            $null = Start-Tokentap -Port 0 -Session overloaded -UpstreamOverride @{ 'api.anthropic.com' = '{{overloaded.BaseUri}}' } -UpstreamCaFile '{{mocks.Providers.Authority.PemPath}}'
            $ErrorActionPreference = 'Continue'
            $env:CLAUDE_CODE_MAX_RETRIES = '4'
            claude -p "Say hi" --output-format json
            "EXIT=$LASTEXITCODE"
            Get-Tokentap 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object { "NOTICE=$($_.Message)" }
            Get-TokenUsageAnomaly -Session overloaded | ForEach-Object { 'ANOMALY=' + ($_ | Select-Object Kind, Count, ExtraTokens, ExtraCost, Detail | ConvertTo-Json -Compress) }
            $null = Stop-Tokentap
            """;

        var result = _shell.Run(script);
        var seen = arrivals.ToArray();
        output.WriteLine(result.Stdout + result.Stderr);
        output.WriteLine($"{seen.Length} requests reached the mock, at +" + string.Join(" s, +", seen.Select(a => (a.Time - seen[0].Time).TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))) + " s");
        output.WriteLine($"distinct bodies: {seen.Select(a => a.Body).Distinct().Count()}");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal(5, seen.Length);
        Assert.Single(seen.Select(a => a.Body).Distinct());
        var lines = result.Stdout.ReplaceLineEndings("\n").Split('\n');
        var notices = lines.Where(l => l.StartsWith("NOTICE=Anomaly: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, notices.Count);
        Assert.StartsWith("NOTICE=Anomaly: RetryLoop in claude-code session ", notices[0], StringComparison.Ordinal);
        Assert.StartsWith("NOTICE=Anomaly: ErrorBurst in claude-code session ", notices[1], StringComparison.Ordinal);
        var anomalies = lines.Where(l => l.StartsWith("ANOMALY=", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l["ANOMALY=".Length..]).RootElement).ToList();
        Assert.Equal(["RetryLoop", "ErrorBurst"], anomalies.Select(a => a.GetProperty("Kind").ToString() switch { "1" => "RetryLoop", "3" => "ErrorBurst", var k => k }));
        Assert.All(anomalies, a => Assert.Equal(5, a.GetProperty("Count").GetInt32()));
        Assert.All(anomalies, a => Assert.Equal(0, a.GetProperty("ExtraTokens").GetInt64()));
        Assert.Contains("5 identical messages requests in ", anomalies[0].GetProperty("Detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(", 5 of them failed (last: 529)", anomalies[0].GetProperty("Detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("5 failed requests in ", anomalies[1].GetProperty("Detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("(529 x5); last: ", anomalies[1].GetProperty("Detail").GetString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiSequence();
}
