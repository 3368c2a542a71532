// The README's quick start and query lines, run literally in the real pwsh (see ReadmeRun): what each one produced.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ReadmeTests(ReadmeRun run) : IClassFixture<ReadmeRun>
{
    // What the mock answers each model, as Tokentap normalizes and prices it (see EndToEndTests for the arithmetic).
    private static readonly Dictionary<string, Expected> Models = new(StringComparer.Ordinal)
    {
        // claude-sonnet-4-5: $3 input, $3.75 5m write, $6 1h write, $0.30 cache read, $15 output per million.
        [MockProviders.AnthropicModel] = new(1007, 2001, 302, 53, 0.00577605m),
        // gpt-4.1-mini: $0.40 input, $0.10 cached input, $1.60 output per million.
        [MockProviders.ChatModel] = new(200, 1000, 0, 300, 0.00066m),
        // gemini-2.5-pro: $1.25 input, $0.125 cache read, $10 output (reasoning included) per million.
        [MockProviders.GeminiModel] = new(800, 100, 0, 80, 0.0018125m),
    };

    /// <summary>
    /// ReadmeRun runs the quick-start line and the first three query lines; a changed line fails here first. The
    /// fourth (Invoke-TokentapCommand claude) needs the real Claude Code and is not run by these tests.
    /// </summary>
    [Fact]
    public void The_README_quick_start_holds_exactly_the_lines_these_tests_run()
    {
        Assert.Equal(["./build.ps1; Import-Module ./out/Tokentap/Tokentap.psd1; Start-Tokentap"], run.Blocks[0]);
        Assert.Equal(
            [
                "Get-TokenUsage -Since (Get-Date).AddDays(-7) | Group-Object Model",
                "Get-TokenUsageSummary -By Day, Model",
                "Get-TokenUsage -Last 20 | Sort-Object Cost -Descending | Export-Csv spend.csv",
                "Invoke-TokentapCommand claude -- -p \"explain this repo\"   # one command through its own proxy, with a cost line after it",
            ],
            run.Blocks[1]);
    }

    [Fact]
    public void Build_import_and_start_in_a_fresh_copy_sets_the_session_variables()
    {
        var build = run.Section("quickstart");
        var session = Values(run.Section("session"));

        Assert.Contains("dotnet build src/Tokentap.PowerShell/Tokentap.PowerShell.csproj -c Release", build, StringComparison.Ordinal);
        Assert.DoesNotContain("Tokentap.sln", build, StringComparison.Ordinal);
        Assert.Contains($"Module ready: {Path.Combine(run.Copy, "out", "Tokentap", "Tokentap.psd1")}", build, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run.Copy, "out", "Tokentap", "deps", "Tokentap.Engine.dll")), "the quick start laid out the module in the copy");
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", session["PROXYURL"]);
        Assert.Equal(session["PROXYURL"], session["HTTPS_PROXY"]);
        Assert.Equal(Path.Combine(run.Home, "ca", "ca-bundle.pem"), session["BUNDLE"]);
        Assert.Equal(session["BUNDLE"], session["CURL_CA_BUNDLE"]);
        Assert.Contains($"Tokentap is listening on {session["PROXYURL"]}", build, StringComparison.Ordinal);
    }

    /// <summary>
    /// build.ps1 builds Release, whose layout carries ReadyToRun images of the cmdlets, the engine, the contracts and
    /// LiteDB for .NET 10 (the test pwsh's runtime, as PowerShell 7.6's). The runtime's JIT log of Import-Module +
    /// Start-Tokentap does not list their plain methods, and does list them when the same layout runs with ReadyToRun
    /// code turned off (DOTNET_ReadyToRun=0): the runtime ran the images' native code.
    /// </summary>
    [Fact]
    public void The_quick_start_build_runs_the_engine_from_ReadyToRun_code()
    {
        var release = Path.Combine(run.Copy, "out", "Tokentap");
        Assert.True(ReadyToRun(Path.Combine(release, "deps", "Tokentap.Engine.dll")), "engine image");
        Assert.True(ReadyToRun(Path.Combine(release, "deps", "LiteDB.dll")), "LiteDB image");
        Assert.True(ReadyToRun(Path.Combine(release, "Tokentap.Contracts.dll")), "contracts image");
        Assert.False(ReadyToRun(Path.Combine(release, "deps", "Spectre.Console.dll")), "features off the start path stay IL");
        Assert.True(ReadyToRun(Path.Combine(release, "Tokentap.PowerShell.dll")), "cmdlet image");

        var withImages = JitLog(release, readyToRun: true);
        var withoutImages = JitLog(release, readyToRun: false);
        string[] precompiled =
        [
            "Tokentap.Engine.Facade.TokentapEngine:ForEnvironment()",
            "Tokentap.Engine.TokentapPaths:FromEnvironment()",
            "LiteDB.Engine.LiteEngine:.ctor(",
            "Tokentap.PowerShell.Commands.StartTokentapCommand:EndProcessing()",
        ];
        foreach (var method in precompiled)
        {
            Assert.Contains(method, withoutImages, StringComparison.Ordinal);
            Assert.DoesNotContain(method, withImages, StringComparison.Ordinal);
        }
    }

    private static bool ReadyToRun(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
        return reader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }

    // The methods the runtime JIT-compiled (its DOTNET_JitDisasmSummary lines on standard output; the same summary
    // written to a file with DOTNET_JitStdOutFile crashes about one process in five as it exits, with or without
    // Tokentap) while a new pwsh imported the module in `layout` and started Tokentap, with or without the ReadyToRun
    // code of every assembly.
    private static string JitLog(string layout, bool readyToRun)
    {
        var home = Directory.CreateTempSubdirectory("tokentap-readytorun-").FullName;
        try
        {
            var manifest = Path.Combine(layout, "Tokentap.psd1").Replace("'", "''", StringComparison.Ordinal);
            var result = PwshProcess.Run(
                $"Import-Module '{manifest}'; $null = Start-Tokentap -Port 0 -NoEnvironment; $null = Stop-Tokentap",
                new Dictionary<string, string?>
                {
                    ["TOKENTAP_HOME"] = Path.Combine(home, "tokentap"),
                    ["DOTNET_JitDisasmSummary"] = "1",
                    ["DOTNET_ReadyToRun"] = readyToRun ? "1" : "0",
                });
            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
            return string.Join('\n', result.Stdout.Split('\n').Where(line => line.Contains("JIT compiled ", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void Group_Object_Model_counts_the_requests_of_each_model()
    {
        var groups = run.Json("groups").EnumerateArray().Select(g => (g.GetProperty("Name").GetString(), g.GetProperty("Count").GetInt32())).ToList();
        var table = run.Section("query1");

        // Group-Object sorts the groups by name.
        Assert.Equal([(MockProviders.AnthropicModel, 2), (MockProviders.GeminiModel, 1), (MockProviders.ChatModel, 1)], groups);
        Assert.Matches(@"(?m)^Count Name\s+Group\s*$", table);
        // The Name column is 25 wide at 80 columns: a longer name is cut to 24 characters and an ellipsis.
        Assert.Matches($@"(?m)^\s+2 {Regex.Escape(MockProviders.AnthropicModel[..24])}… +\{{", table);
        Assert.Matches($@"(?m)^\s+1 {Regex.Escape(MockProviders.ChatModel)} +\{{", table);
        Assert.Matches($@"(?m)^\s+1 {Regex.Escape(MockProviders.GeminiModel)} +\{{", table);
    }

    [Fact]
    public void Summary_by_day_and_model_has_exact_tokens_and_cost()
    {
        var rows = run.Json("summary").EnumerateArray().ToList();
        var table = run.Section("query2");

        // The expected rows come from the events' own local days, so a run across midnight is still exact.
        var expected = run.Events
            .GroupBy(e => (Day: LocalDay(e), Model: e.GetProperty("Model").GetString()!))
            .OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(4, run.Events.Count);
        Assert.Equal(expected.Count, rows.Count);
        foreach (var group in expected)
        {
            var model = Models[group.Key.Model];
            var n = group.Count();
            var row = Assert.Single(rows, r => r.GetProperty("Model").GetString() == group.Key.Model && DateTime.Parse(r.GetProperty("Day").GetString()!, CultureInfo.InvariantCulture) == group.Key.Day);
            Assert.Equal(n, row.GetProperty("Requests").GetInt64());
            Assert.Equal(n * model.Input, row.GetProperty("InputTokens").GetInt64());
            Assert.Equal(n * model.CacheRead, row.GetProperty("CacheReadTokens").GetInt64());
            Assert.Equal(n * model.CacheWrite, row.GetProperty("CacheWriteTokens").GetInt64());
            Assert.Equal(n * model.Output, row.GetProperty("OutputTokens").GetInt64());
            Assert.Equal(n * model.Cost, row.GetProperty("Cost").GetDecimal());
            Assert.True(row.GetProperty("Errors").GetInt64() == 0, $"{row}\n{string.Join("\n", group)}");
            Assert.True(row.GetProperty("UnpricedRequests").GetInt64() == 0, row.ToString());

            // The default table view, as the user sees it at 80 columns: the group label (the model cut with an
            // ellipsis when the column is narrower), then Requests and In.
            var day = $"{group.Key.Day:yyyy-MM-dd} ";
            var line = Assert.Single(table.Split('\n'), l => l.StartsWith(day + group.Key.Model[..10], StringComparison.Ordinal));
            Assert.Matches($@"^{day}\S+ +{n} +{Regex.Escape($"{n * model.Input:N0}")} ", line);
        }
    }

    [Fact]
    public void Export_Csv_writes_the_last_events_most_expensive_first()
    {
        var csv = Path.Combine(run.Copy, "spend.csv");
        run.Section("stop");
        Assert.True(File.Exists(csv), "Export-Csv wrote spend.csv in the current folder");
        var rows = CsvTable.Parse(File.ReadAllText(csv));

        Assert.Equal(
            [MockProviders.AnthropicModel, MockProviders.AnthropicModel, MockProviders.GeminiModel, MockProviders.ChatModel],
            rows.Select(r => r["Model"]));
        Assert.Equal([0.00577605m, 0.00577605m, 0.0018125m, 0.00066m], rows.Select(r => decimal.Parse(r["Cost"], CultureInfo.InvariantCulture)));
        Assert.Equal([1007L, 1007L, 800L, 200L], rows.Select(r => long.Parse(r["InputTokens"], CultureInfo.InvariantCulture)));
        Assert.Equal([53L, 53L, 80L, 300L], rows.Select(r => long.Parse(r["OutputTokens"], CultureInfo.InvariantCulture)));
        Assert.Equal(["curl", "curl", "curl", "curl"], rows.Select(r => r["App"]));
        Assert.Equal(
            run.Events.Select(e => e.GetProperty("Id").GetString()).Order(),
            rows.Select(r => r["Id"]).Order());
    }

    [Fact]
    public void Stop_Tokentap_reports_the_session_and_restores_the_variables()
    {
        var report = run.Json("stop");
        var after = Values(run.Section("after"));

        Assert.Equal(4, report.GetProperty("Requests").GetInt64());
        Assert.Equal(2 * 1007 + 200 + 800, report.GetProperty("InputTokens").GetInt64());
        Assert.Equal(2 * 53 + 300 + 80, report.GetProperty("OutputTokens").GetInt64());
        Assert.Equal(2 * 0.00577605m + 0.00066m + 0.0018125m, report.GetProperty("Cost").GetDecimal());
        Assert.Equal("", after["HTTPS_PROXY"]);
        Assert.Equal("", after["CURL_CA_BUNDLE"]);
        Assert.Equal("0", after["ERRORS"]);
        Assert.True(run.Result.ExitCode == 0, $"pwsh exited {run.Result.ExitCode}: {run.Result.Stderr}");
        Assert.Equal("", run.Result.Stderr);
    }

    private static DateTime LocalDay(JsonElement usageEvent) =>
        DateTime.Parse(usageEvent.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToLocalTime().Date;

    private static Dictionary<string, string> Values(string section) =>
        section.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private sealed record Expected(long Input, long CacheRead, long CacheWrite, long Output, decimal Cost);
}
