// What Remove-TokenUsage says in the real pwsh: its -WhatIf and -Verbose lines count events in plain English
// ("1 usage event", "2 usage events").
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class RemoveTokenUsageMessageTests(ModuleFixture module) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tt-remove-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void WhatIf_and_Verbose_say_event_for_one_and_events_for_several()
    {
        var at = DateTime.UtcNow.AddHours(-1);
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), [Event("one-app", at), Event("two-app", at), Event("two-app", at)]);
        var script = """
            Import-Module $env:TT_MANIFEST
            $before = [datetime]'2099-01-01'
            Remove-TokenUsage -Before $before -App one-app -WhatIf
            Remove-TokenUsage -Before $before -WhatIf
            Get-TokenUsage -App one-app | Remove-TokenUsage -WhatIf
            Get-TokenUsage -App two-app | Remove-TokenUsage -WhatIf
            # ShouldProcess also says "Performing the operation" on the verbose stream; keep only the command's own line.
            Remove-TokenUsage -Before $before -App one-app -Confirm:$false -Verbose 4>&1 | Where-Object { "$_" -like 'Removed*' } | ForEach-Object { "VERBOSE: $_" }
            Get-TokenUsage -App two-app | Remove-TokenUsage -Confirm:$false -Verbose 4>&1 | Where-Object { "$_" -like 'Removed*' } | ForEach-Object { "VERBOSE: $_" }
            "LEFT $(@(Get-TokenUsage).Count)"
            """;

        var result = PwshProcess.Run(script, new Dictionary<string, string?> { ["TOKENTAP_HOME"] = _home, ["TT_MANIFEST"] = module.ManifestPath });

        Assert.True(result.ExitCode == 0, result.Stderr);
        var database = Path.Combine(_home, "usage.db");
        Assert.Equal(
            [
                $"What if: Performing the operation \"Remove 1 usage event before 2099-01-01 00:00:00\" on target \"{database}\".",
                $"What if: Performing the operation \"Remove 3 usage events before 2099-01-01 00:00:00\" on target \"{database}\".",
                $"What if: Performing the operation \"Remove 1 usage event\" on target \"{database}\".",
                $"What if: Performing the operation \"Remove 2 usage events\" on target \"{database}\".",
                "VERBOSE: Removed 1 usage event.",
                "VERBOSE: Removed 2 usage events.",
                "LEFT 0",
            ],
            Unwrapped(result.Stdout));
    }

    /// <summary>The output lines, with what pwsh wrapped at 80 columns joined back (a wrapped line starts with a space-free continuation).</summary>
    private static string[] Unwrapped(string stdout)
    {
        var lines = new List<string>();
        foreach (var line in stdout.Replace("\r", "", StringComparison.Ordinal).Split('\n').Where(l => l.Length > 0))
        {
            if (lines.Count > 0 && !line.StartsWith("What if:", StringComparison.Ordinal) && !line.StartsWith("VERBOSE:", StringComparison.Ordinal) && !line.StartsWith("LEFT", StringComparison.Ordinal))
            {
                lines[^1] += line;
            }
            else
            {
                lines.Add(line);
            }
        }

        return lines.ToArray();
    }

    private static UsageEvent Event(string app, DateTime at) => new(Guid.NewGuid())
    {
        Timestamp = at,
        Provider = "anthropic",
        Host = "api.anthropic.com",
        Endpoint = "messages",
        Model = "claude-sonnet-4-5",
        InputTokens = 10,
        OutputTokens = 5,
        StatusCode = 200,
        App = app,
        RequestId = "remove-" + Guid.NewGuid().ToString("N"),
    };
}
