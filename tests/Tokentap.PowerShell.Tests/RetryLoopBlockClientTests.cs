// The real Claude Code retrying an overloaded API through the real proxy in the real pwsh, with the retry-loop Block
// action: the requests reaching the provider stop at the loop's threshold, and Claude Code stops with the message.
using System.Collections.Concurrent;
using Tokentap.Testing;
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class RetryLoopBlockClientTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private readonly MockedPwsh _shell = new(module, mocks.Providers);

    public void Dispose() => _shell.Dispose();

    [Fact]
    public async Task Claude_Code_stuck_on_529_is_stopped_at_the_retry_loop_threshold()
    {
        var arrivals = new ConcurrentQueue<DateTime>();
        await using var overloaded = await MockUpstream.StartAsync(mocks.Providers.Authority.IssueServerCertificate(["localhost"]));
        overloaded.Map("POST", "/v1/messages", async context =>
        {
            arrivals.Enqueue(DateTime.UtcNow);
            await MockResponses.Json("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", 529)(context);
        });
        var home = Path.Combine(_shell.Root, "tokentap");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "anomalies.json"), """{ "retryLoop": { "action": "Block" } }""");

        // Up to 8 retries: without Block, 9 requests would reach the provider over about a minute.
        var script = $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module '{{module.ManifestPath}}'
            $null = Start-Tokentap -Port 0 -Session looping -UpstreamOverride @{ 'api.anthropic.com' = '{{overloaded.BaseUri}}' } -UpstreamCaFile '{{mocks.Providers.Authority.PemPath}}'
            $ErrorActionPreference = 'Continue'
            $env:CLAUDE_CODE_MAX_RETRIES = '8'
            claude -p "Say hi" 2>&1 | ForEach-Object { "CLIENT: $_" }
            "EXIT=$LASTEXITCODE"
            $null = Stop-Tokentap
            Get-TokenUsage -Session looping | ForEach-Object { "EVENT=$($_.StatusCode)|$($_.Blocked)" }
            """;

        var result = _shell.Run(script, timeoutSeconds: 240);
        var seen = arrivals.ToArray();
        output.WriteLine(result.Stdout + result.Stderr);
        output.WriteLine($"{seen.Length} requests reached the mock, at +" + string.Join(" s, +", seen.Select(t => (t - seen[0]).TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))) + " s");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal(4, seen.Length);
        var lines = result.Stdout.ReplaceLineEndings("\n").Split('\n');
        var shown = string.Join("\n", lines.Where(l => l.StartsWith("CLIENT: ", StringComparison.Ordinal)));
        Assert.Contains("API Error: 400 Tokentap stopped a retry loop: this request was sent 4 times unchanged in ", shown, StringComparison.Ordinal);
        Assert.Contains("To turn this off, set \"retryLoop\": { \"action\": \"Warn\" } in ", shown, StringComparison.Ordinal);
        Assert.Contains("EXIT=1", lines);
        var events = lines.Where(l => l.StartsWith("EVENT=", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["EVENT=400|True", "EVENT=529|False", "EVENT=529|False", "EVENT=529|False", "EVENT=529|False"], events);
    }
}
