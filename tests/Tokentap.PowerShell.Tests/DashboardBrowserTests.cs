// The dashboard in a real Chromium (playwright-core from npm driving the Debian chromium): same totals as
// Get-TokenUsageSummary, a proxied request in the live feed within a second, filters in the address, no console errors.
using System.Collections;
using System.Globalization;
using System.Text.Json;
using Tokentap;
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class DashboardBrowserTests(ModuleFixture module, MockProvidersFixture mocks) : IClassFixture<MockProvidersFixture>
{
    private const string Body = """{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public void The_page_shows_the_summary_totals_the_live_feed_and_filtered_views_without_console_errors()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium is needed at {chromium} (Debian package chromium).");
        var overrides = new Hashtable();
        foreach (var (host, uri) in mocks.Providers.Overrides)
        {
            overrides[host] = uri.ToString();
        }

        module.Run(
            "$null = Start-Tokentap -Port 0 -Session $args[0] -UpstreamOverride $args[1] -UpstreamCaFile $args[2]",
            "dash-" + Guid.NewGuid().ToString("N")[..8], overrides, mocks.Providers.Authority.PemPath).ThrowIfFailed();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var curl = ChildProcess.Run("curl", ["-sS", "-o", "/dev/null", "--json", Body, "https://api.anthropic.com/v1/messages"]);
                Assert.True(curl.ExitCode == 0, curl.Stderr);
            }

            var dashboard = module.Run("Show-TokenUsageDashboard -Port 0 -NoBrowser -PassThru").Single<TokentapDashboard>();
            var expected = Summaries(app: null);
            var expectedCurl = Summaries(app: "curl");
            var artefacts = Path.Combine(module.RepoRoot, "TestResults", "dashboard");
            var run = ChildProcess.Run(
                "node",
                ["dashboard.mjs", dashboard.Url, artefacts, TimeZoneInfo.Local.Id == "Local" ? "UTC" : TimeZoneInfo.Local.Id, "curl", "curl", "-sS", "-o", "/dev/null", "--json", Body, "https://api.anthropic.com/v1/messages"],
                workingDirectory: NodeClients.Directory(module.RepoRoot),
                timeoutSeconds: 180);
            Assert.True(run.ExitCode == 0, $"node dashboard.mjs failed ({run.ExitCode}): {run.Stderr}{run.Stdout}");
            var seen = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;

            Assert.Empty(seen.GetProperty("consoleErrors").EnumerateArray());
            Assert.Equal($"http://127.0.0.1:{dashboard.Port}/", seen.GetProperty("addressAfterLoad").GetString());
            AssertWindows(expected, seen.GetProperty("overview"));
            Assert.True(seen.GetProperty("chartBars").GetInt32() > 0);

            var delay = seen.GetProperty("liveDelayMs").GetInt32();
            Assert.True(delay < 1000, $"the live feed showed the request after {delay} ms");
            var row = seen.GetProperty("newRow").EnumerateArray().Select(c => c.GetString()).ToList();
            Assert.Equal(["curl", MockProviders.AnthropicModel, "3,363", "$0.0058", "200"], row.Skip(1));
            AssertWindows(Summaries(app: null), seen.GetProperty("overviewAfterLive"));

            Assert.Equal("?view=overview&app=curl", seen.GetProperty("filteredAddress").GetString());
            AssertWindows(Summaries(app: "curl"), seen.GetProperty("filtered"));
            AssertWindows(Summaries(app: "curl"), seen.GetProperty("filteredAfterReload"));
            Assert.Equal(expectedCurl["today"].Requests + 1, Summaries(app: "curl")["today"].Requests);
            Assert.Contains(seen.GetProperty("models").EnumerateArray(), m => m[1].GetString() == MockProviders.AnthropicModel && m[2].GetString() == "yes");
            Assert.True(seen.GetProperty("phoneOverflow").GetInt32() <= 0, "the phone layout scrolls sideways");
            Assert.True(File.Exists(Path.Combine(artefacts, "dashboard-1280x800.png")));
            Assert.True(File.Exists(Path.Combine(artefacts, "dashboard-390x844.png")));
        }
        finally
        {
            module.Run("$null = Stop-Tokentap").ThrowIfFailed();
        }
    }

    /// <summary>Get-TokenUsageSummary over the dashboard's three windows (today, 7 and 30 days from local midnight).</summary>
    private Dictionary<string, UsageSummaryRow> Summaries(string? app)
    {
        var result = new Dictionary<string, UsageSummaryRow>();
        foreach (var (name, days) in new[] { ("today", 0), ("7d", 6), ("30d", 29) })
        {
            var rows = (app is null
                ? module.Run("Get-TokenUsageSummary -Since ((Get-Date).Date.AddDays(-$args[0]))", days)
                : module.Run("Get-TokenUsageSummary -Since ((Get-Date).Date.AddDays(-$args[0])) -App $args[1]", days, app)).ThrowIfFailed().Objects<UsageSummaryRow>();
            result[name] = rows.SingleOrDefault() ?? new UsageSummaryRow();
        }

        return result;
    }

    private static void AssertWindows(Dictionary<string, UsageSummaryRow> expected, JsonElement shown)
    {
        foreach (var (name, row) in expected)
        {
            var window = shown.GetProperty(name);
            Assert.Equal(row.Requests.ToString(CultureInfo.InvariantCulture), window.GetProperty("requests").GetString());
            Assert.Equal(row.Requests.ToString("N0", CultureInfo.InvariantCulture), window.GetProperty("requestsText").GetString());
            Assert.Equal(row.TotalTokens.ToString(CultureInfo.InvariantCulture), window.GetProperty("tokens").GetString());
            Assert.Equal(row.TotalTokens.ToString("N0", CultureInfo.InvariantCulture), window.GetProperty("tokensText").GetString());
            var raw = window.GetProperty("cost").GetString();
            Assert.Equal(row.Cost, raw is "" or null ? null : decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
            Assert.Equal(row.Cost is { } cost ? "$" + cost.ToString(cost < 100 ? "N4" : "N2", CultureInfo.InvariantCulture) : "—", window.GetProperty("costText").GetString());
        }
    }
}
