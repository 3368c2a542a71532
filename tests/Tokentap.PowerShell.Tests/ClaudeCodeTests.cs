// The real Claude Code 2.1.197 (npm, pinned) in the real pwsh against the mock Anthropic API: run by
// Invoke-TokentapCommand and under Start-Tokentap's session variables, Tokentap records the numbers Claude Code itself
// reports, prices them to the same cost as its total_cost_usd, and names the tool claude-code in both modes.
using System.Text.Json;
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ClaudeCodeTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    // Claude Code's default model; the mock answers Claude Code as the model it asked for.
    private const string Model = "claude-opus-4-8";

    // claude-opus-4-8: $5 input, $6.25 5m write, $10 1h write, $0.50 cache read, $25 output per million:
    // 1007 x 5 + 201 x 6.25 + 101 x 10 + 2001 x 0.5 + 53 x 25 = 9626.75 per million.
    private const decimal Cost = 0.00962675m;

    private const string EventFields = "App, AppVersion, Model, Session, Project, InputTokens, CacheWriteTokens, CacheWrite1hTokens, CacheReadTokens, OutputTokens, Cost, Estimated, IsSuccess";

    private readonly MockedPwsh _shell = new(module, mocks.Providers);

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void Invoke_TokentapCommand_claude_records_what_Claude_Code_reports_and_its_json_pipes_into_ConvertFrom_Json()
    {
        var result = _shell.Run(_shell.Preamble("cc-invoke", environment: false) + $$"""
            Invoke-TokentapCommand claude -- -p "Say hi" --output-format json
            "EXIT=$LASTEXITCODE"
            $piped = Invoke-TokentapCommand claude -- -p "Say hi again" --output-format json | ConvertFrom-Json
            "PIPED=$($piped.type)|$($piped.result)|$($piped.total_cost_usd)|$($piped.usage.input_tokens)|$LASTEXITCODE"
            $null = Stop-Tokentap
            Get-TokenUsage -App claude-code | ForEach-Object { 'EVENT=' + ($_ | Select-Object {{EventFields}} | ConvertTo-Json -Compress) }
            "SESSION-EVENTS=$(@(Get-TokenUsage -Session cc-invoke).Count)"
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var reported = ClaudeResult(result.Stdout);
        Assert.Equal("success", reported.GetProperty("subtype").GetString());
        Assert.Equal("Hello from the mock.", reported.GetProperty("result").GetString());
        Assert.Contains("EXIT=0", Lines(result.Stdout));
        Assert.Contains($"PIPED=result|Hello from the mock.|{Cost}|1007|0", Lines(result.Stdout));
        Assert.Contains($"claude-code: 1 request, 1,007 in, 53 out, 2,001 cache read, 302 cache write, $0.0096; exit code 0", Lines(result.Stdout));

        var events = Events(result.Stdout);
        Assert.Equal(2, events.Count);
        foreach (var e in events)
        {
            AssertClaudeCodeNumbers(e, reported);
            Assert.StartsWith("run-claude-code-", e.GetProperty("Session").GetString(), StringComparison.Ordinal);
            Assert.Equal(_shell.Root, e.GetProperty("Project").GetString());
        }

        // Invoke's runs have sessions of their own; the Start-Tokentap session saw none of them.
        Assert.Contains("SESSION-EVENTS=0", Lines(result.Stdout));
    }

    [Fact]
    public void Claude_Code_under_Start_Tokentaps_session_variables_records_the_same_numbers()
    {
        var result = _shell.Run(_shell.Preamble("cc-start", environment: true) + $$"""
            claude -p "Say hi" --output-format json
            "EXIT=$LASTEXITCODE"
            $null = Stop-Tokentap
            Get-TokenUsage -Session cc-start | ForEach-Object { 'EVENT=' + ($_ | Select-Object {{EventFields}} | ConvertTo-Json -Compress) }
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var reported = ClaudeResult(result.Stdout);
        Assert.Contains("EXIT=0", Lines(result.Stdout));
        var recorded = Assert.Single(Events(result.Stdout));
        AssertClaudeCodeNumbers(recorded, reported);
        Assert.Equal("cc-start", recorded.GetProperty("Session").GetString());
    }

    private static void AssertClaudeCodeNumbers(JsonElement recorded, JsonElement reported)
    {
        Assert.Equal("claude-code", recorded.GetProperty("App").GetString());
        Assert.Equal("2.1.197", recorded.GetProperty("AppVersion").GetString());
        Assert.Equal(Model, recorded.GetProperty("Model").GetString());
        Assert.Equal(1007, recorded.GetProperty("InputTokens").GetInt64());
        Assert.Equal(302, recorded.GetProperty("CacheWriteTokens").GetInt64());
        Assert.Equal(101, recorded.GetProperty("CacheWrite1hTokens").GetInt64());
        Assert.Equal(2001, recorded.GetProperty("CacheReadTokens").GetInt64());
        Assert.Equal(53, recorded.GetProperty("OutputTokens").GetInt64());
        Assert.False(recorded.GetProperty("Estimated").GetBoolean());
        Assert.True(recorded.GetProperty("IsSuccess").GetBoolean());
        Assert.Equal(Cost, recorded.GetProperty("Cost").GetDecimal());

        // What Claude Code itself received and charged.
        var usage = reported.GetProperty("usage");
        Assert.Equal(recorded.GetProperty("InputTokens").GetInt64(), usage.GetProperty("input_tokens").GetInt64());
        Assert.Equal(recorded.GetProperty("CacheWriteTokens").GetInt64(), usage.GetProperty("cache_creation_input_tokens").GetInt64());
        Assert.Equal(recorded.GetProperty("CacheWrite1hTokens").GetInt64(), usage.GetProperty("cache_creation").GetProperty("ephemeral_1h_input_tokens").GetInt64());
        Assert.Equal(recorded.GetProperty("CacheReadTokens").GetInt64(), usage.GetProperty("cache_read_input_tokens").GetInt64());
        Assert.Equal(recorded.GetProperty("OutputTokens").GetInt64(), usage.GetProperty("output_tokens").GetInt64());
        Assert.Equal(reported.GetProperty("total_cost_usd").GetDecimal(), recorded.GetProperty("Cost").GetDecimal());
    }

    private static JsonElement ClaudeResult(string stdout)
    {
        var line = Assert.Single(Lines(stdout), l => l.StartsWith("{\"type\":\"result\"", StringComparison.Ordinal));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private static List<JsonElement> Events(string stdout) =>
        Lines(stdout).Where(l => l.StartsWith("EVENT=", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l["EVENT=".Length..]).RootElement.Clone())
            .ToList();

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
}
