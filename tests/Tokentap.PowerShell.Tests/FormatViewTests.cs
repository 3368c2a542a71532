// Every default view of Tokentap.Format.ps1xml rendered by PowerShell's own formatter at 80 and 120 columns: each
// column and list item has a label (never script text), Cost stays visible at 80 columns, numbers read as intended.
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed partial class FormatViewTests(ModuleFixture module) : IDisposable
{
    private static readonly DateTime At = new(2026, 11, 20, 12, 34, 0, DateTimeKind.Utc);

    private static readonly Dictionary<string, string[]> TableLabels = new()
    {
        ["Tokentap.UsageEvent"] = ["Time", "App", "Model", "In", "CacheR", "Out", "Cost"],
        ["Tokentap.UsageSummaryRow"] = ["Group", "Requests", "In", "CacheR", "Out", "Cost"],
        ["Tokentap.ModelPriceInfo"] = ["Model", "Provider", "In $/M", "Out $/M", "CacheR $/M", "CacheW $/M", "Context"],
        ["Tokentap.TokenUsageModelRow"] = ["Model", "Requests", "Tokens", "CacheHit", "Cost", "Share"],
        ["Tokentap.TokenCount"] = ["Encoding", "Tokens", "Characters", "Source"],
        ["Tokentap.TokentapEnvironmentVariable"] = ["Name", "Value"],
        ["Tokentap.ProfileChange"] = ["Action", "Path"],
        ["Tokentap.TokenUsageAnomaly"] = ["Start", "Kind", "App", "Session", "Count", "Extra", "Cost", "Detail"],
        ["Tokentap.TokenUsageContent"] = ["Time", "Model", "Msgs", "Prompt", "Response"],
        ["Tokentap.TokentapBudget"] = ["Name", "Action", "Period", "Spent", "Amount", "Used", "State", "Resets", "Scope"],
    };

    private static readonly Dictionary<string, string[]> ListLabels = new()
    {
        ["Tokentap.TokentapStatus"] =
        [
            "Running", "ProxyUrl", "Session", "StartTime", "Uptime", "EventsCaptured", "EventsPending", "EventsDropped", "Requests",
            "Failures", "WriteFailing", "DecodeBudget", "RecentErrors", "UnpricedModels", "InterceptHosts", "UpstreamProxy", "EnvironmentApplied", "ContentCapture", "CaCertificatePath",
            "BundlePath", "DatabasePath",
        ],
        // A Start-Tokentap session: no Command or ExitCode (those belong to Invoke-TokentapCommand runs).
        ["Tokentap.TokentapSessionReport"] =
        [
            "Session", "Duration", "Requests", "Errors", "InputTokens", "CacheReadTokens", "CacheWriteTokens", "OutputTokens", "Cost",
            "UnpricedRequests", "EstimatedRequests",
        ],
        ["Tokentap.CertificateTrustResult"] = ["Action", "Scope", "Location", "Thumbprint", "Commands"],
        ["Tokentap.TokenUsageImportReport"] =
        [
            "Source", "Files", "EventsFound", "Added", "AlreadyCapturedLive", "LiveEventsLinked", "DuplicatesSkipped", "SkippedLines", "Estimated", "Comparison",
        ],
        ["Tokentap.TokenUsageSnapshot"] =
        [
            "Time", "Window", "Proxy", "Requests", "Errors", "Cost", "BurnRate", "Tokens", "CacheHitRatio", "Models", "Limits", "Budgets", "Contexts",
            "Anomalies", "Warnings",
        ],
        ["Tokentap.TokentapExportStatus"] =
        [
            "Enabled", "Endpoint", "Protocol", "Headers", "User", "Running", "Position", "Backlog", "Exported", "LastError", "LastSuccessTime",
            "SettingsPath",
        ],
        ["Tokentap.TokenUsageAssertion"] = ["Passed", "Requests", "Errors", "TotalTokens", "Cost", "UnpricedRequests", "Anomalies", "Failures"],
        // LastFailure only once the dashboard failed to answer a request.
        ["Tokentap.TokentapDashboard"] = ["Url", "Port", "Home", "StartTime", "LastFailure"],
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("tt-format-").FullName;

    public static TheoryData<string, int> Views()
    {
        var data = new TheoryData<string, int>();
        foreach (var type in TableLabels.Keys.Concat(ListLabels.Keys))
        {
            data.Add(type, 80);
            data.Add(type, 120);
        }

        return data;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_view_in_the_format_file_is_rendered_by_these_tests()
    {
        var file = XDocument.Load(Path.Combine(module.ModuleDirectory, "Tokentap.Format.ps1xml"));
        var viewed = file.Descendants("ViewSelectedBy").Elements("TypeName").Select(e => e.Value).Distinct().Order();

        Assert.Equal(TableLabels.Keys.Concat(ListLabels.Keys).Order(), viewed);
    }

    [Theory]
    [MemberData(nameof(Views))]
    public void Each_view_shows_every_label_and_no_script_text(string type, int width)
    {
        var text = Render(Samples(type), width);

        Assert.DoesNotContain("$_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{0", text, StringComparison.Ordinal);
        Assert.All(Lines(text), line => Assert.True(line.Length <= width, $"wider than {width}: {line}"));
        if (TableLabels.TryGetValue(type, out var columns))
        {
            Assert.Equal(columns, Table.Parse(text).Labels);
        }
        else
        {
            Assert.Equal(ListLabels[type], ListItems(text).Select(i => i.Label));
        }
    }

    [Fact]
    public void Usage_events_at_80_columns_show_grouped_tokens_and_the_cost_with_its_marks()
    {
        var table = Table.Parse(Render(Samples("Tokentap.UsageEvent"), 80));
        var time = At.ToLocalTime().ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

        Assert.Equal(
            [
                $"{time} claude-code claude-sonnet-4-5-…     1,007     2,001      53   0.0058",
                $"{time} codex       gpt-5                  12,000 1,234,567 128,000  ~0.0123",
                $"{time} curl        unpriced-model              5         0       7        ?",
                $"{time} gemini-cli  !gemini-2.5-pro             0         0       0   0.0000",
            ],
            table.Rows);
    }

    [Fact]
    public void Usage_events_at_120_columns_give_the_model_the_extra_room()
    {
        var table = Table.Parse(Render(Samples("Tokentap.UsageEvent"), 120));

        Assert.Equal(120, table.Rows[0].Length);
        Assert.StartsWith($"{At.ToLocalTime():MM-dd HH:mm} claude-code claude-sonnet-4-5-20250929 ", table.Rows[0], StringComparison.Ordinal);
        Assert.EndsWith(" 1,007     2,001      53   0.0058", table.Rows[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_import_report_says_what_was_found_and_how_far_the_logs_were_from_the_proxy()
    {
        var items = ListItems(Render(Samples("Tokentap.TokenUsageImportReport"), 80));

        Assert.Equal(("Files", "1,234 (12 read, 1 read again)"), items.Single(i => i.Label == "Files"));
        Assert.Equal(("Added", "40,788"), items.Single(i => i.Label == "Added"));
        Assert.Equal(("Comparison", "the logs under-counted input by 38 % on 412 requests"), items.Single(i => i.Label == "Comparison"));
    }

    [Fact]
    public void Summary_rows_at_80_columns_show_the_group_totals_and_cost()
    {
        var table = Table.Parse(Render(Samples("Tokentap.UsageSummaryRow"), 80));

        Assert.Equal(
            [
                "2026-11-20 claude-sonnet-4-5    1,234 12,345,678 123,456,789 123,456  1234.5678",
                "2026-11-20 unpriced-model           3         30           0       9          ?",
                "(all)                           1,237 12,345,708 123,456,789 123,465 1234.5678+",
            ],
            table.Rows);
    }

    [Fact]
    public void Prices_print_as_dollars_per_million_with_only_the_digits_needed()
    {
        var file = Path.Combine(_dir, "model_prices_and_context_window.json");
        File.WriteAllText(file, """
            {
              "format-view-model": {
                "litellm_provider": "openai", "mode": "chat", "max_input_tokens": 128000,
                "input_cost_per_token": 0.000002, "output_cost_per_token": 0.000008, "cache_read_input_token_cost": 0.0000005
              }
            }
            """);
        module.Run("Import-TokentapPrice -Path $args[0] -Format LiteLLM", file).ThrowIfFailed();

        var imported = module.Run("Get-TokentapPrice format-view-model").Single<ModelPriceInfo>();
        var table = Table.Parse(Render([imported, .. Samples("Tokentap.ModelPriceInfo")], 80));

        Assert.Equal(2.000000m, imported.Input);
        Assert.Equal("2.000000", imported.Input!.Value.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(
            [
                "*format-view-model    openai         2       8        0.5              128,000",
                "claude-sonnet-4-5     anthropic      3      15        0.3       3.75   200,000",
                "gemini-2.0-flash-lite google     0.075     0.3    0.01875            1,048,576",
            ],
            table.Rows);
    }

    [Fact]
    public void A_price_as_a_list_reads_in_dollars_per_million()
    {
        var text = module.Run("$args[0] | Format-List | Out-String -Width 80", Samples("Tokentap.ModelPriceInfo")[..1]).Single<string>();

        Assert.Equal(
            [
                ("Model", "claude-sonnet-4-5"), ("Provider", "anthropic"), ("Input", "$3 per million"), ("Output", "$15 per million"),
                ("CacheRead", "$0.3 per million"), ("CacheWrite5m", "$3.75 per million"), ("CacheWrite1h", "$6 per million"),
                ("LongContext", "above 200,000 tokens: input $6, output $22.5 per million"), ("ContextWindow", "200,000"),
                ("Source", ""), ("Retrieved", ""), ("IsOverride", "False"),
            ],
            ListItems(text));
    }

    [Fact]
    public void Token_counts_and_live_model_rows_group_their_numbers()
    {
        var counts = Table.Parse(Render(Samples("Tokentap.TokenCount"), 80));
        var models = Table.Parse(Render(Samples("Tokentap.TokenUsageModelRow"), 80));

        Assert.Equal(["o200k_base      1,234,567    5,000,000 /tmp/big.txt"], counts.Rows);
        Assert.Equal(
            [
                "claude-sonnet-4-5       12 1,234,567   81.0 % 1.2346  80 %",
                "unpriced-model           1        10    0.0 %      ?   0 %",
            ],
            models.Rows);
    }

    [Fact]
    public void Anomalies_and_assertions_read_as_intended()
    {
        var anomalies = Table.Parse(Render(Samples("Tokentap.TokenUsageAnomaly"), 120));
        var assertion = ListItems(Render(Samples("Tokentap.TokenUsageAssertion"), 120));
        var time = At.ToLocalTime().ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

        Assert.Equal(
            [
                $"{time} CacheBreak claude-code 3f0c1e9a-…     1    22,000   0.1265 cache reads fell from 21,000 to 0 tokens after 2…",
                $"{time} TokenSpike gemini-cli  gemini-cl…     1    88,000        ? a prompt of 100,000 tokens",
            ],
            anomalies.Rows.Select(r => r.TrimEnd()));
        Assert.Equal(("Errors", "1 (12.5%)"), assertion.Single(i => i.Label == "Errors"));
        Assert.Equal(("Cost", "$0.0227"), assertion.Single(i => i.Label == "Cost"));
        Assert.Equal(("Anomalies", "CacheBreak x1"), assertion.Single(i => i.Label == "Anomalies"));
        Assert.Equal(("Passed", "False"), assertion[0]);
    }

    [Fact]
    public void An_Invoke_report_lists_its_command_and_exit_code_and_a_Start_report_does_not()
    {
        var invoke = new TokentapSessionReport { Session = "run-curl-1", Command = "curl -sS https://api.anthropic.com", ExitCode = 22, Duration = TimeSpan.FromSeconds(3), Cost = 0.00577605m };
        var start = Samples("Tokentap.TokentapSessionReport");

        var invokeItems = ListItems(Render([invoke], 80));
        var startItems = ListItems(Render(start, 80));

        Assert.Equal(("Command", "curl -sS https://api.anthropic.com"), invokeItems[1]);
        Assert.Equal(("ExitCode", "22"), invokeItems[2]);
        Assert.Equal(("Cost", "$0.0058"), invokeItems.Single(i => i.Label == "Cost"));
        Assert.DoesNotContain(startItems, i => i.Label is "Command" or "ExitCode");
        Assert.Equal(("Duration", "0.01:02:03"), startItems[1]);
    }

    /// <summary>
    /// The views a user sees in the real pwsh, whose redirected output is formatted at 80 columns. Cells are compared
    /// word by word: whether PowerShell sized the columns to the content depends on how fast the store answered.
    /// </summary>
    [Fact]
    public void In_the_real_pwsh_the_default_tables_keep_the_cost_column()
    {
        var home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
        TestPrograms.Seed(Path.Combine(home, "usage.db"), [.. Samples("Tokentap.UsageEvent").Cast<UsageEvent>()]);
        var script = """
            $PSStyle.OutputRendering = 'PlainText'
            Import-Module $env:TT_MANIFEST
            Get-TokenUsage | Out-Default
            Get-TokenUsageSummary -By Day, Model | Out-Default
            Get-TokentapPrice claude-sonnet-4-5 | Out-Default
            'hello world' | Measure-TokenCount | Out-Default
            """;

        var result = PwshProcess.Run(script, new Dictionary<string, string?> { ["TOKENTAP_HOME"] = home, ["TT_MANIFEST"] = module.ManifestPath });

        Assert.True(result.ExitCode == 0, $"pwsh failed ({result.ExitCode}): {result.Stderr}");
        Assert.DoesNotContain("$_", result.Stdout, StringComparison.Ordinal);
        Assert.All(Lines(result.Stdout), line => Assert.True(line.Length <= 80, $"wider than 80: {line}"));
        var tables = Table.ParseAll(result.Stdout);
        Assert.Equal(4, tables.Count);
        var day = At.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(TableLabels["Tokentap.UsageEvent"], tables[0].Labels);
        Assert.Equal<string[]>(
            [["claude-code", "1,007", "2,001", "53", "0.0058"], ["codex", "12,000", "1,234,567", "128,000", "~0.0123"], ["curl", "5", "0", "7", "?"], ["gemini-cli", "0", "0", "0", "0.0000"]],
            tables[0].Rows.Select(r => Words(r).Skip(2).Take(1).Concat(Words(r)[^4..]).ToArray()));
        Assert.Equal(TableLabels["Tokentap.UsageSummaryRow"], tables[1].Labels);
        Assert.Equal<string[]>(
            [[day, "1", "1,007", "2,001", "53", "0.0058"], [day, "1", "0", "0", "0", "0.0000"], [day, "1", "12,000", "1,234,567", "128,000", "0.0123"], [day, "1", "5", "0", "7", "?"]],
            tables[1].Rows.Select(r => Words(r).Take(1).Concat(Words(r)[^5..]).ToArray()));
        Assert.Equal(TableLabels["Tokentap.ModelPriceInfo"], tables[2].Labels);
        Assert.Equal(["claude-sonnet-4-5", "anthropic", "3", "15", "0.3", "3.75", "200,000"], Words(Assert.Single(tables[2].Rows)));
        Assert.Equal(TableLabels["Tokentap.TokenCount"], tables[3].Labels);
        Assert.Equal(["o200k_base", "2", "11"], Words(Assert.Single(tables[3].Rows)));
    }

    /// <summary>
    /// The objects formatted at once, as `$list | Out-String` does: with every object known, PowerShell sizes the
    /// columns to their content (never below a label), and the column without a width takes what is left.
    /// </summary>
    private string Render(object[] objects, int width) =>
        module.Run("$args[0] | Out-String -Width $args[1]", objects, width).Single<string>();

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Lines(string text) => text.Replace("\r", "", StringComparison.Ordinal).Split('\n');

    private static List<(string Label, string Value)> ListItems(string text) =>
        Lines(text).Select(l => ListLine().Match(l)).Where(m => m.Success).Select(m => (m.Groups[1].Value, m.Groups[2].Value.TrimEnd())).ToList();

    [GeneratedRegex(@"^([A-Za-z0-9]+) +: ?(.*)$")]
    private static partial Regex ListLine();

    private static object[] Samples(string type) => type switch
    {
        "Tokentap.UsageEvent" =>
        [
            Event("claude-code", "anthropic", "claude-sonnet-4-5-20250929", 1007, 2001, 302, 53, 0.00577605m, 200),
            new UsageEvent(Guid.NewGuid()) { Timestamp = At, Provider = "openai", Host = "api.openai.com", Endpoint = "responses", Model = "gpt-5", InputTokens = 12000, CacheReadTokens = 1_234_567, OutputTokens = 128_000, Cost = 0.0123m, Estimated = true, StatusCode = 200, App = "codex", DurationMs = 5, RequestId = "format-" + Guid.NewGuid().ToString("N") },
            Event("curl", "openai", "unpriced-model", 5, 0, 0, 7, null, 200),
            Event("gemini-cli", "google", "gemini-2.5-pro", 0, 0, 0, 0, 0m, 429),
        ],
        "Tokentap.UsageSummaryRow" =>
        [
            new UsageSummaryRow { Day = new DateTime(2026, 11, 20), Model = "claude-sonnet-4-5", Requests = 1234, InputTokens = 12_345_678, CacheReadTokens = 123_456_789, CacheWriteTokens = 1_234_567, OutputTokens = 123_456, Cost = 1234.5678m },
            new UsageSummaryRow { Day = new DateTime(2026, 11, 20), Model = "unpriced-model", Requests = 3, InputTokens = 30, OutputTokens = 9, UnpricedRequests = 3 },
            new UsageSummaryRow { Requests = 1237, InputTokens = 12_345_708, CacheReadTokens = 123_456_789, CacheWriteTokens = 1_234_567, OutputTokens = 123_465, Cost = 1234.5678m, UnpricedRequests = 3 },
        ],
        "Tokentap.ModelPriceInfo" =>
        [
            new ModelPriceInfo { Model = "claude-sonnet-4-5", Provider = "anthropic", Input = 3m, Output = 15m, CacheRead = 0.3m, CacheWrite5m = 3.75m, CacheWrite1h = 6m, LongContextAbove = 200_000, LongContextInput = 6m, LongContextOutput = 22.5m, ContextWindow = 200_000 },
            new ModelPriceInfo { Model = "gemini-2.0-flash-lite", Provider = "google", Input = 0.075m, Output = 0.30m, CacheRead = 0.01875m, ContextWindow = 1_048_576 },
        ],
        "Tokentap.TokenUsageModelRow" =>
        [
            new TokenUsageModelRow { Provider = "anthropic", Model = "claude-sonnet-4-5", Requests = 12, InputTokens = 1_000_000, CacheReadTokens = 200_000, CacheWriteTokens = 34_000, OutputTokens = 567, CacheHitRatio = 0.81, Cost = 1.23456m, CostShare = 0.8 },
            new TokenUsageModelRow { Provider = "openai", Model = "unpriced-model", Requests = 1, InputTokens = 10 },
        ],
        "Tokentap.TokenCount" => [new TokenCount("o200k_base", 1_234_567, 5_000_000, "/tmp/big.txt")],
        "Tokentap.TokentapEnvironmentVariable" => [new TokentapEnvironmentVariable("HTTPS_PROXY", "http://127.0.0.1:8080", "Proxy for https:// requests.")],
        "Tokentap.TokentapExportStatus" =>
        [
            new TokentapExportStatus
            {
                Enabled = true, Endpoint = "http://collector:4318", HeaderNames = ["authorization", "x-team"], Running = true, Position = 120,
                Backlog = 3, Exported = 117, LastError = "The collector did not accept the export.", LastSuccessTime = At, SettingsPath = "/tmp/export.json",
            },
        ],
        "Tokentap.ProfileChange" => [new ProfileChange("/home/user/.config/powershell/Microsoft.PowerShell_profile.ps1", ProfileChangeAction.Added, "Start-Tokentap")],
        "Tokentap.TokentapStatus" =>
        [
            new TokentapStatus { Running = true, Port = 8080, ProxyUrl = "http://127.0.0.1:8080", Session = "s1", StartTime = At, Uptime = TimeSpan.FromMinutes(5), RecentErrors = ["a", "b"], UnpricedModels = ["x"], InterceptHosts = ["api.anthropic.com", "api.openai.com"], DatabasePath = "/tmp/usage.db" },
        ],
        "Tokentap.TokentapDashboard" =>
        [
            new TokentapDashboard { Url = "http://127.0.0.1:8790/?token=" + new string('a', 64), Port = 8790, Home = "/home/u/.tokentap", StartTime = At, LastFailure = "12:00:00 IOException: broken pipe" },
        ],
        "Tokentap.TokentapSessionReport" =>
        [
            new TokentapSessionReport { Session = "s1", Duration = new TimeSpan(0, 1, 2, 3), Requests = 1234, InputTokens = 1_234_567, Cost = 1.5m },
        ],
        "Tokentap.TokenUsageImportReport" =>
        [
            new TokenUsageImportReport
            {
                Source = UsageSource.ClaudeCodeLog, Files = 1234, FilesRead = 12, FilesReread = 1, EventsFound = 41_200, Added = 40_788,
                AlreadyCapturedLive = 412, LiveEventsLinked = 410, MatchedRequests = 412, LogInputTokens = 62, ProxyInputTokens = 100,
            },
        ],
        "Tokentap.CertificateTrustResult" =>
        [
            new CertificateTrustResult { Action = CertificateTrustAction.Installed, Scope = CertificateStoreScope.LocalMachine, Location = "/usr/local/share/ca-certificates/tokentap.crt", Thumbprint = "AB12", Commands = ["update-ca-certificates"] },
        ],
        "Tokentap.TokenUsageSnapshot" =>
        [
            new TokenUsageSnapshot
            {
                Time = At, Window = TokenUsageWindow.LastHour, WindowStart = At.AddHours(-1), ProxyState = TokentapProxyState.RunningElsewhere, ProxyPort = 8080, ProxyProcessId = 42,
                Requests = 4, Errors = 1, ErrorRate = 0.25, Cost = 0.1m, CostPerHour = 0.08m, TokensPerMinute = 246.7, InputTokens = 2150, CacheReadTokens = 22000, CacheWriteTokens = 900, OutputTokens = 1500, CacheHitRatio = 0.878,
                Models = [new TokenUsageModelRow { Model = "claude-sonnet-4-5", Cost = 0.08m }, new TokenUsageModelRow { Model = "unpriced" }],
                Limits = [new TokenUsageLimitGauge { Name = "5h", Utilization = 0.42 }],
                Budgets = [new TokenUsageBudgetGauge { Name = "daily", Spent = 8.5m, Amount = 10m, Percent = 85 }],
                Contexts = [new TokenUsageContextGauge { Session = "cs-1", ContextTokens = 12050, ContextWindow = 200_000, Fraction = 0.06 }],
                Anomalies = [Anomaly()],
                Warnings = ["1 failed request"],
            },
        ],
        "Tokentap.TokenUsageAnomaly" =>
        [
            Anomaly(),
            new TokenUsageAnomaly { Kind = TokenUsageAnomalyKind.TokenSpike, Session = "gemini-cli pid 4242", App = "gemini-cli", Start = At, End = At, Count = 1, ExtraTokens = 88_000, Detail = "a prompt of 100,000 tokens" },
        ],
        "Tokentap.TokenUsageContent" =>
        [
            new TokenUsageContent
            {
                EventId = Guid.NewGuid(), Timestamp = At, Provider = "anthropic", Endpoint = "messages", Model = "claude-opus-4-8",
                Messages = [new("user", "Which prompt cost $4? My key is [REDACTED:anthropic-key]")], Tools = ["read_file"],
                ResponseText = "The long one.\nIt sent 200,000 tokens.", ToolCalls = [new("read_file", "{\"path\":\"a.txt\"}")], RequestJson = "{}",
            },
        ],
        "Tokentap.TokenUsageAssertion" =>
        [
            new TokenUsageAssertion
            {
                Requests = 8, Errors = 1, ErrorRate = 0.125, TotalTokens = 3340, Cost = 0.0227m, Anomalies = [Anomaly()],
                Failures = ["Cost $0.0227 is over -MaxCost $0.02.", "8 requests is over -MaxRequests 5."],
            },
        ],
        "Tokentap.TokentapBudget" =>
        [
            new TokentapBudget
            {
                Name = "daily", Action = BudgetAction.Block, Period = "Day", Spent = 8.5m, Amount = 10m, Remaining = 1.5m, Percent = 85, State = BudgetState.Warning,
                NextReset = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), Scope = "app=claude-code model=claude-*",
            },
            new TokentapBudget { Name = "burst", Action = BudgetAction.Warn, Period = "5h", Spent = 0.1234m, Amount = 2m, Percent = 6.17, State = BudgetState.Ok, Scope = "all usage" },
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no sample for this view"),
    };

    private static TokenUsageAnomaly Anomaly() => new()
    {
        Kind = TokenUsageAnomalyKind.CacheBreak, Session = "3f0c1e9a-5a1b-4c55-9e4b-1d2f3a4b5c6d", App = "claude-code", Model = "claude-opus-4-8", Start = At, End = At,
        Count = 1, ExtraTokens = 22_000, ExtraCost = 0.1265m, Detail = "cache reads fell from 21,000 to 0 tokens after 2 cache hits",
    };

    private static UsageEvent Event(string app, string provider, string model, long input, long cacheRead, long cacheWrite, long output, decimal? cost, int status) =>
        new(Guid.NewGuid())
        {
            Timestamp = At,
            Provider = provider,
            Host = "api.example.com",
            Endpoint = "messages",
            Model = model,
            InputTokens = input,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            OutputTokens = output,
            Cost = cost,
            StatusCode = status,
            App = app,
            DurationMs = 1234.5,
            RequestId = "format-" + Guid.NewGuid().ToString("N"),
        };

    /// <summary>A rendered table: the labels (read where the header's dash runs are) and its rows as printed.</summary>
    private sealed record Table(string[] Labels, List<string> Rows)
    {
        public static Table Parse(string text) => Assert.Single(ParseAll(text));

        public static List<Table> ParseAll(string text)
        {
            var lines = Lines(text);
            var tables = new List<Table>();
            for (var i = 1; i < lines.Length; i++)
            {
                if (!DashLine().IsMatch(lines[i]))
                {
                    continue;
                }

                var header = lines[i - 1];
                var labels = DashRun().Matches(lines[i]).Select(m => header.Substring(m.Index, Math.Min(m.Length, header.Length - m.Index)).Trim()).ToArray();
                var rows = new List<string>();
                for (var r = i + 1; r < lines.Length && lines[r].Trim().Length > 0; r++)
                {
                    rows.Add(lines[r].TrimEnd());
                }

                tables.Add(new Table(labels, rows));
            }

            return tables;
        }
    }

    [GeneratedRegex(@"^[ -]*-[ -]*$")]
    private static partial Regex DashLine();

    [GeneratedRegex("-+")]
    private static partial Regex DashRun();
}
