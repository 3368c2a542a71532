// The real Claude Code, Codex CLI and Gemini CLI (npm, pinned) through the real proxy in the real pwsh, over a spent
// Block budget: each stops at once with the budget's message, and not one billed request reaches the mock provider.
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class BudgetClientTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private readonly MockedPwsh _shell = new(module, mocks.Providers);

    public void Dispose() => _shell.Dispose();

    [Theory]
    // Claude Code: its one messages call, answered 400, shown as "API Error: 400 <message>", exit 1, no retry.
    [InlineData("claude-code", "anthropic", "claude -p 'Say hi'", "400")]

    // Codex: the Responses WebSocket upgrade answered 426 (it falls back at once), then the POST answered 400 and shown.
    [InlineData("codex", "openai", "codex exec --skip-git-repo-check 'Say hi'", "426,400")]

    // Gemini CLI: the model router's generateContent and the main streamGenerateContent, each answered 400 once.
    [InlineData("gemini-cli", "google", "gemini -p 'Say hi'", "400,400")]
    public void Over_a_spent_Block_budget_the_client_stops_with_the_message_and_sends_nothing(string app, string provider, string command, string statuses)
    {
        // $1.25 already spent today by this app: the $1 Block budget is over before the client starts.
        TestPrograms.Seed(Path.Combine(_shell.Root, "tokentap", "usage.db"),
        [
            new UsageEvent { Timestamp = DateTime.UtcNow, Provider = provider, Host = "api.example", Endpoint = "messages", Model = "m", App = app, InputTokens = 10, Cost = 1.25m, StatusCode = 200 },
        ]);
        var billed = BilledRequests();
        var started = DateTime.UtcNow;

        var result = _shell.Run(
            $"Import-Module '{module.ManifestPath}'\nSet-TokentapBudget -Name cap -Amount 1 -Action Block -App {app} -TimeZone UTC\n"
            + _shell.Preamble("budget-" + app, environment: true) + $$"""
            $env:OPENAI_API_KEY = 'dummy'
            $env:GEMINI_API_KEY = 'dummy'
            $env:GEMINI_CLI_TRUST_WORKSPACE = 'true'
            {{command}} 2>&1 | ForEach-Object { "CLIENT: $_" }
            "EXIT=$LASTEXITCODE"
            $null = Stop-Tokentap
            Get-TokenUsage -Status Blocked -Session budget-{{app}} | ForEach-Object { "BLOCKED=$($_.App)|$($_.Provider)|$($_.StatusCode)|$($_.Blocked)|$([decimal]$_.Cost -eq 0)|$($_.Error)" }
            Get-TokentapBudget cap | ForEach-Object { "BUDGET=$($_.Spent)|$($_.State)" }
            """,
            timeoutSeconds: 240);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        output.WriteLine($"{seconds:0.0} s\n" + result.Stdout + result.Stderr);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal(billed, BilledRequests());
        var shown = string.Join("\n", Lines(result.Stdout).Where(l => l.StartsWith("CLIENT: ", StringComparison.Ordinal)));
        Assert.Contains("Tokentap budget 'cap' is spent: $1.25 of $1.00", shown, StringComparison.Ordinal);
        Assert.Contains("Set-TokentapBudget -Name cap -Amount 2", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("EXIT=0", Lines(result.Stdout));
        var blocked = Lines(result.Stdout).Where(l => l.StartsWith("BLOCKED=", StringComparison.Ordinal)).ToList();
        Assert.Equal(statuses.Split(','), blocked.Select(l => l.Split('|')[2]));
        Assert.All(blocked, line => Assert.Matches($@"^BLOCKED={app}\|{provider}\|(400|426)\|True\|True\|blocked by Tokentap: budget 'cap' is spent \(\$1\.25 of \$1\.00, Day\)$", line));
        Assert.Contains("BUDGET=1.25|Exceeded", Lines(result.Stdout));
    }

    private int BilledRequests() => mocks.Providers.Upstream.Requests.Count(r => r.Method == "POST" || r.Path.EndsWith("/responses", StringComparison.Ordinal));

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
}
