// The export in a real pwsh with the built module: OpenTelemetry loads in the engine's context and the stored events
// reach a real OTLP receiver (the Aspire Dashboard) once each while Start-Tokentap runs.
using Tokentap;
using Tokentap.Engine.Tests.Export;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ExportEndToEndTests(ModuleFixture module) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tt-export-e2e-").FullName;

    [Fact]
    public async Task Start_Tokentap_exports_the_stored_backlog_to_the_collector_once_each()
    {
        using var dashboard = new AspireDashboard();
        await dashboard.StartAsync();
        var events = Enumerable.Range(1, 5).Select(n => new UsageEvent(new Guid(7000 + n, 0, 0, new byte[8]))
        {
            Timestamp = new DateTime(2026, 4, 1, 9, 0, n, DateTimeKind.Utc),
            Provider = "openai",
            Host = "api.openai.com",
            Endpoint = "responses",
            Model = "gpt-5",
            InputTokens = 100 * n,
            OutputTokens = 7 * n,
            Cost = 0.01m * n,
            StatusCode = 200,
            DurationMs = 250,
            App = "codex",
            RequestId = "export-e2e-" + n,
        }).ToList();
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), events);
        var script = """
            Import-Module $env:TT_MANIFEST
            $null = Enable-TokentapExport -Endpoint $env:TT_OTLP -User Off
            $before = Get-TokentapExport
            $null = Start-Tokentap -Port 0
            $deadline = (Get-Date).AddSeconds(60)
            while ((Get-TokentapExport).Backlog -gt 0 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
            $after = Get-TokentapExport
            Stop-Tokentap
            "BEFORE backlog=$($before.Backlog) running=$($before.Running)"
            "AFTER backlog=$($after.Backlog) exported=$($after.Exported) running=$($after.Running) error=$($after.LastError)"
            """;

        var result = PwshProcess.Run(script, new Dictionary<string, string?> { ["TOKENTAP_HOME"] = _home, ["TT_MANIFEST"] = module.ManifestPath, ["TT_OTLP"] = dashboard.OtlpEndpoint });

        Assert.True(result.ExitCode == 0, $"pwsh failed ({result.ExitCode}): {result.Stderr}");
        var lines = result.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("BEFORE backlog=5 running=False", lines);
        Assert.Contains("AFTER backlog=0 exported=5 running=True error=", lines);
        var records = await dashboard.LogRecordsAsync();
        Assert.Equal(events.Select(e => e.Id.ToString("N")).Order(), records.Select(r => r["tokentap.event.id"]).Order());
        Assert.Equal(events.Sum(e => e.InputTokens), records.Sum(r => long.Parse(r["gen_ai.usage.input_tokens"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(records, r => Assert.Equal("gpt-5", r["gen_ai.response.model"]));
    }

    [Fact]
    public void Stop_Tokentap_with_a_collector_that_never_answers_returns_within_two_seconds_and_keeps_the_backlog()
    {
        using var silent = new SilentCollector();
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), Enumerable.Range(1, 5).Select(n => new UsageEvent(new Guid(7100 + n, 0, 0, new byte[8]))
        {
            Timestamp = new DateTime(2026, 4, 2, 9, 0, n, DateTimeKind.Utc),
            Provider = "anthropic",
            Host = "api.anthropic.com",
            Endpoint = "messages",
            Model = "claude-sonnet-4-5",
            InputTokens = 10 * n,
            OutputTokens = n,
            StatusCode = 200,
            App = "claude-code",
            RequestId = "export-silent-" + n,
        }).ToList());
        var script = """
            Import-Module $env:TT_MANIFEST
            $null = Enable-TokentapExport -Endpoint $env:TT_OTLP -User Off
            $null = Start-Tokentap -Port 0
            Start-Sleep -Seconds 3
            $stop = Measure-Command { Stop-Tokentap }
            $after = Get-TokentapExport
            "STOP ms=$([int]$stop.TotalMilliseconds)"
            "AFTER position=$($after.Position) backlog=$($after.Backlog) exported=$($after.Exported)"
            """;

        var result = PwshProcess.Run(script, new Dictionary<string, string?> { ["TOKENTAP_HOME"] = _home, ["TT_MANIFEST"] = module.ManifestPath, ["TT_OTLP"] = silent.Endpoint });

        Assert.True(result.ExitCode == 0, $"pwsh failed ({result.ExitCode}): {result.Stderr}");
        Assert.True(silent.Connections > 0, "the exporter never reached the collector");
        var lines = result.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        var stopMs = int.Parse(lines.Single(l => l.StartsWith("STOP ms=", StringComparison.Ordinal))["STOP ms=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stopMs < 3000, $"Stop-Tokentap took {stopMs} ms");
        Assert.Contains("AFTER position=0 backlog=5 exported=0", lines);
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
