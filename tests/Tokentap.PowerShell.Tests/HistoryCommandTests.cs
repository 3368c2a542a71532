// Import-TokenUsage and Add-TokenUsage in the real pwsh: the agents' own folders are found from HOME, CODEX_HOME and
// CLAUDE_CONFIG_DIR, a second import adds nothing, -WhatIf writes nothing, Get-TokenUsage -Source and summaries by
// turn see the imported calls, a CSV bill pipes into Add-TokenUsage once; and a real Claude Code call captured live
// by Start-Tokentap and logged by Claude Code itself is stored once and gets Claude Code's conversation and turn.
using System.Text.Json;
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class HistoryCommandTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private const string ReportFields = "@{ n = 'Source'; e = { \"$($_.Source)\" } }, WhatIf, Files, FilesRead, EventsFound, Added, AlreadyCapturedLive, LiveEventsLinked, DuplicatesSkipped, SkippedLines, Comparison";
    private readonly string _root = Directory.CreateTempSubdirectory("tt-history-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Import_reads_each_agents_own_folders_once_and_the_imported_calls_are_queryable()
    {
        var fixtures = Path.Combine(module.RepoRoot, "tests", "Tokentap.Engine.Tests", "Fixtures", "AgentLogs");
        var home = Path.Combine(_root, "home");
        Copy(Path.Combine(fixtures, "claude", "projects"), Path.Combine(home, ".claude", "projects"));
        Copy(Path.Combine(fixtures, "codex", "sessions"), Path.Combine(_root, "codex-home", "sessions"));
        Copy(Path.Combine(fixtures, "gemini", "tmp"), Path.Combine(home, ".gemini", "tmp"));
        var script = $$"""
            Import-Module $env:TT_MANIFEST
            Import-TokenUsage -WhatIf | ForEach-Object { 'WHATIF=' + ($_ | Select-Object {{ReportFields}} | ConvertTo-Json -Compress) }
            "AFTER-WHATIF=$(@(Get-TokenUsage).Count)"
            Import-TokenUsage | ForEach-Object { 'FIRST=' + ($_ | Select-Object {{ReportFields}} | ConvertTo-Json -Compress) }
            Import-TokenUsage -Source Codex | ForEach-Object { 'AGAIN=' + ($_ | Select-Object {{ReportFields}} | ConvertTo-Json -Compress) }
            "CLAUDE=$(@(Get-TokenUsage -Source ClaudeCodeLog).Count) CODEX=$(@(Get-TokenUsage -Source CodexLog).Count) GEMINI=$(@(Get-TokenUsage -Source GeminiLog).Count) PROXY=$(@(Get-TokenUsage -Source Proxy).Count)"
            $top = Get-TokenUsageSummary -By Turn -Source ClaudeCodeLog | Sort-Object TotalTokens -Descending | Select-Object -First 1
            "TOP-TURN=$($top.Conversation)#$($top.Turn) $($top.Requests)"
            "CONVERSATIONS=$(@(Get-TokenUsageSummary -By Conversation).Count)"
            Import-TokenUsage -Path (Join-Path $env:HOME nowhere) -ErrorAction SilentlyContinue -ErrorVariable missing
            "MISSING=$($missing[0].FullyQualifiedErrorId)"
            """;

        var result = PwshProcess.Run(script, new Dictionary<string, string?>
        {
            ["TOKENTAP_HOME"] = Path.Combine(_root, "tokentap"),
            ["TT_MANIFEST"] = module.ManifestPath,
            ["HOME"] = home,
            ["CODEX_HOME"] = Path.Combine(_root, "codex-home"),
            ["CLAUDE_CONFIG_DIR"] = null,
            ["XDG_CONFIG_HOME"] = null,
            ["GEMINI_CLI_HOME"] = null,
        });
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var whatIf = Reports(result.Stdout, "WHATIF=");
        Assert.Equal(["ClaudeCodeLog", "CodexLog", "GeminiLog"], whatIf.Select(r => r.GetProperty("Source").ToString()));
        Assert.All(whatIf, r => Assert.True(r.GetProperty("WhatIf").GetBoolean()));
        Assert.Equal([5L, 3L, 3L], whatIf.Select(r => r.GetProperty("Added").GetInt64()));
        Assert.Contains("AFTER-WHATIF=0", Lines(result.Stdout));

        var first = Reports(result.Stdout, "FIRST=");
        Assert.Equal([(2, 5L, 5L), (2, 3L, 3L), (2, 3L, 3L)], first.Select(r => (r.GetProperty("Files").GetInt32(), r.GetProperty("EventsFound").GetInt64(), r.GetProperty("Added").GetInt64())));
        Assert.All(first, r => Assert.Equal(0, r.GetProperty("SkippedLines").GetInt64()));
        Assert.All(first, r => Assert.Equal("no request was seen by both the logs and the proxy", r.GetProperty("Comparison").GetString()));

        var again = Assert.Single(Reports(result.Stdout, "AGAIN="));
        Assert.Equal((2, 0, 0L), (again.GetProperty("Files").GetInt32(), again.GetProperty("FilesRead").GetInt32(), again.GetProperty("Added").GetInt64()));

        Assert.Contains("CLAUDE=5 CODEX=3 GEMINI=3 PROXY=0", Lines(result.Stdout));
        Assert.Contains("TOP-TURN=11111111-2222-4333-8444-555555555555#3 2", Lines(result.Stdout));
        Assert.Contains("CONVERSATIONS=6", Lines(result.Stdout));
        Assert.Contains("MISSING=HistoryPathNotFound,Tokentap.PowerShell.Commands.ImportTokenUsageCommand", Lines(result.Stdout));
    }

    [Fact]
    public void A_csv_bill_piped_into_Add_TokenUsage_is_stored_once_and_bad_rows_are_errors()
    {
        var bill = Path.Combine(_root, "bill.csv");
        File.WriteAllLines(bill,
        [
            "Timestamp,Model,Provider,InputTokens,OutputTokens,ReasoningTokens,Cost",
            "2026-11-02T14:00:00Z,claude-sonnet-4-5,anthropic,12000,800,0,",
            "2026-11-03T09:30:00Z,gpt-5,openai,5000,700,500,0.25",
            "2026-11-04T10:00:00Z,gpt-5,openai,10,5,50,",
        ]);
        var script = """
            Import-Module $env:TT_MANIFEST
            $r = Import-Csv $env:TT_BILL | Add-TokenUsage -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable bad
            "FIRST=$($r.Source) $($r.EventsFound) $($r.Added) $($r.DuplicatesSkipped) $($bad[0].FullyQualifiedErrorId)"
            $r = Import-Csv $env:TT_BILL | Select-Object -First 2 | Add-TokenUsage
            "AGAIN=$($r.Added) $($r.DuplicatesSkipped)"
            Get-TokenUsage -Source Manual | ForEach-Object { "EVENT=$($_.Model) $($_.InputTokens) $($_.OutputTokens) $($_.Cost) $($_.Source)" }
            """;

        var result = PwshProcess.Run(script, new Dictionary<string, string?>
        {
            ["TOKENTAP_HOME"] = Path.Combine(_root, "tokentap"),
            ["TT_MANIFEST"] = module.ManifestPath,
            ["TT_BILL"] = bill,
        });
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        Assert.Contains("FIRST=Manual 2 2 0 ReasoningExceedsOutput,Tokentap.PowerShell.Commands.AddTokenUsageCommand", Lines(result.Stdout));
        Assert.Contains("AGAIN=0 2", Lines(result.Stdout));

        // claude-sonnet-4-5 at $3 in and $15 out per million: 12,000 x 3 + 800 x 15 = 48,000 per million.
        Assert.Equal(
            ["EVENT=claude-sonnet-4-5 12000 800 0.048 Manual", "EVENT=gpt-5 5000 700 0.25 Manual"],
            Lines(result.Stdout).Where(l => l.StartsWith("EVENT=", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_real_Claude_Code_call_captured_live_and_logged_by_Claude_Code_is_stored_once()
    {
        using var shell = new MockedPwsh(module, mocks.Providers);
        var result = shell.Run(shell.Preamble("history-live", environment: true) + $$"""
            claude -p "Say hi" --output-format json | Out-Null
            "EXIT=$LASTEXITCODE"
            $null = Stop-Tokentap
            Import-TokenUsage -Source ClaudeCode | ForEach-Object { 'REPORT=' + ($_ | Select-Object {{ReportFields}} | ConvertTo-Json -Compress) }
            Import-TokenUsage -Source ClaudeCode | ForEach-Object { 'AGAIN=' + ($_ | Select-Object {{ReportFields}} | ConvertTo-Json -Compress) }
            "STORED=$(@(Get-TokenUsage).Count) LIVE=$(@(Get-TokenUsage -Source Proxy).Count)"
            $live = Get-TokenUsage -Source Proxy
            $turn = Get-TokenUsageSummary -By Turn -Source Proxy
            "LINK=$($live.ConversationId -eq $turn.Conversation) $($live.TurnIndex) $($turn.Turn) $($turn.Requests) $($turn.TurnStart.ToUniversalTime() -le $live.Timestamp.ToUniversalTime()) $([string]::IsNullOrEmpty($live.ConversationId))"
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("EXIT=0", Lines(result.Stdout));

        var report = Assert.Single(Reports(result.Stdout, "REPORT="));
        Assert.Equal((1L, 0L, 1L, 1L), (report.GetProperty("EventsFound").GetInt64(), report.GetProperty("Added").GetInt64(), report.GetProperty("AlreadyCapturedLive").GetInt64(), report.GetProperty("LiveEventsLinked").GetInt64()));
        Assert.Equal("the logs matched the proxy exactly on 1 request", report.GetProperty("Comparison").GetString());
        var again = Assert.Single(Reports(result.Stdout, "AGAIN="));
        Assert.Equal((0L, 0L, 0L), (again.GetProperty("EventsFound").GetInt64(), again.GetProperty("Added").GetInt64(), again.GetProperty("LiveEventsLinked").GetInt64()));
        Assert.Contains("STORED=1 LIVE=1", Lines(result.Stdout));

        // The live event now carries Claude Code's session and the prompt's turn: summaries by Turn see it.
        Assert.Contains("LINK=True 1 1 1 True False", Lines(result.Stdout));
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static List<JsonElement> Reports(string stdout, string prefix) =>
        Lines(stdout).Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l[prefix.Length..]).RootElement.Clone())
            .ToList();

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
}
