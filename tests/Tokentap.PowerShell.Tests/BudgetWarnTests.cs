// A Warn budget in the real pwsh with the real Claude Code: the crossing is shown at the next prompt (never from a
// background thread), raised as a Tokentap.Budget engine event that Wait-Event and Register-EngineEvent -Action see,
// told once per threshold, and the prompt's own output is unchanged.
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class BudgetWarnTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    // One Claude Code call against the mock costs $0.00962675 (see ClaudeCodeTests): 96 % of $0.01, two are 193 %.
    private readonly MockedPwsh _shell = new(module, mocks.Providers);

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void A_crossed_threshold_is_shown_at_the_next_prompt_and_raised_as_an_engine_event_once()
    {
        var result = _shell.Run(
            $"$PSStyle.OutputRendering = 'PlainText'\nfunction global:prompt {{ 'MY PROMPT> ' }}\nImport-Module '{module.ManifestPath}'\nSet-TokentapBudget -Name warn -Amount 0.01 -Threshold 50,100 -TimeZone UTC\n"
            + _shell.Preamble("budget-warn", environment: true) + """
            claude -p 'Say hi' | Out-Null
            $event = $null
            for ($i = 0; $i -lt 50 -and -not $event; $i++) { "PROMPT=$(prompt)"; $event = Wait-Event -SourceIdentifier Tokentap.Budget -Timeout 0.2 }
            "EVENT=$($event.SourceIdentifier)|$($event.MessageData.Name)|$($event.MessageData.Threshold)|$($event.MessageData.Spent)|$($event.MessageData.Blocked)"
            "MESSAGE=$($event.MessageData.Message)"
            Remove-Event -EventIdentifier $event.EventIdentifier
            $null = prompt
            "AGAIN=$(@(Get-Event -SourceIdentifier Tokentap.Budget -ErrorAction Ignore).Count)"
            $global:seen = @()
            $null = Register-EngineEvent -SourceIdentifier Tokentap.Budget -Action { $global:seen += $Event.MessageData.Threshold }
            claude -p 'Say hi' | Out-Null
            for ($i = 0; $i -lt 50 -and $global:seen.Count -eq 0; $i++) { $null = prompt; $null = Wait-Event -Timeout 0.2 }
            "ACTION=$($global:seen -join ',')"
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("EVENT=Tokentap.Budget|warn|50|0.00962675|False", lines);
        var message = Assert.Single(lines, l => l.StartsWith("MESSAGE=", StringComparison.Ordinal));
        Assert.Matches(@"^MESSAGE=Budget 'warn' is at 96 %: \$0\.0096 of \$0\.01 \(Day; resets \d{4}-\d\d-\d\d 00:00 \+00:00; all usage\)\.$", message);
        var warning = lines.IndexOf("WARNING: " + message["MESSAGE=".Length..]);
        Assert.True(warning >= 0, "the warning was not shown");
        Assert.Equal("PROMPT=MY PROMPT> ", lines[warning + 1]);
        Assert.All(lines.Where(l => l.StartsWith("PROMPT=", StringComparison.Ordinal)), l => Assert.Equal("PROMPT=MY PROMPT> ", l));
        Assert.Contains("AGAIN=0", lines);
        Assert.Contains("ACTION=100", lines);
    }

    [Fact]
    public void The_wrapped_prompt_still_sees_the_last_commands_status_and_keeps_its_param_block_and_early_return()
    {
        // Prompt themes read $? first: the wrapper must not run anything before the session's own prompt.
        var result = _shell.Run(
            "function global:prompt { [CmdletBinding()] param() if (-not $?) { return 'FAILED> ' }; 'OK> ' }\n"
            + _shell.Preamble("prompt-status", environment: true) + """
            "WRAPPED=$((Get-Item function:prompt).Definition.Contains('AtPrompt'))"
            Get-Item /nonexistent/tokentap -ErrorAction SilentlyContinue; $after = prompt
            "AFTER_FAILURE=$after"
            $null = 1; $after = prompt
            "AFTER_SUCCESS=$after"
            $null = Start-Tokentap 6>$null
            Get-Item /nonexistent/tokentap -ErrorAction SilentlyContinue; $after = prompt
            "AFTER_SECOND_START=$after"
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("WRAPPED=True", lines);
        Assert.Contains("AFTER_FAILURE=FAILED> ", lines);
        Assert.Contains("AFTER_SUCCESS=OK> ", lines);
        Assert.Contains("AFTER_SECOND_START=FAILED> ", lines);
    }
}
