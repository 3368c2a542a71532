// Get-TokenUsageAnomaly and Assert-TokenUsage in the hosted runspace: typed objects, filters, the terminating error
// with its id, category, target and text, -PassThru either way, and a bad anomalies.json named with its line.
using System.Management.Automation;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class AnomalyCommandTests(ModuleFixture module)
{
    private static readonly DateTime At = DateTime.UtcNow.AddHours(-2);

    /// <summary>
    /// One run (session <paramref name="session"/>): three priced successes, then the same request four times in eight
    /// seconds, each answered 429 without tokens: a retry loop. At claude-opus-4-8 prices each success costs $0.003.
    /// </summary>
    private void SeedRun(string session)
    {
        UsageEvent Event(double seconds, long input, int status, string? fingerprint) => new()
        {
            Timestamp = At.AddSeconds(seconds),
            Provider = "anthropic",
            Host = "api.anthropic.com",
            Endpoint = "messages",
            Model = "claude-opus-4-8",
            InputTokens = input,
            OutputTokens = status == 200 ? 100 : 0,
            Cost = status == 200 ? (input * 5m + 100 * 25m) / 1_000_000m : 0m,
            StatusCode = status,
            Error = status == 200 ? null : "HTTP 429",
            App = "codex",
            Session = session,
            ClientSessionId = session + "-client",
            RequestFingerprint = fingerprint ?? Guid.NewGuid().ToString("N"),
        };

        const string same = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
        TestPrograms.Seed(Path.Combine(module.Home, "usage.db"),
        [
            Event(0, 100, 200, null), Event(10, 100, 200, null), Event(20, 100, 200, null),
            Event(30, 0, 429, same), Event(32, 0, 429, same), Event(35, 0, 429, same), Event(38, 0, 429, same),
        ]);
    }

    [Fact]
    public void The_parameter_surfaces_are_pinned()
    {
        string[] filters = ["App", "Model", "Project", "Provider", "Session", "Since", "Source", "Status", "Until"];
        string[] Own(string cmdlet) => module.Run("(Get-Command $args[0]).Parameters.Keys", cmdlet).ThrowIfFailed().Output
            .Select(o => (string)o.BaseObject)
            .Where(p => !HelpCommonParameters.Contains(p) && !filters.Contains(p)).Order().ToArray();

        Assert.Equal(["Kind"], Own("Get-TokenUsageAnomaly"));
        Assert.Equal(["MaxCost", "MaxErrorRate", "MaxRequests", "MaxTokens", "NoAnomaly", "PassThru"], Own("Assert-TokenUsage"));
    }

    [Fact]
    public void Anomalies_come_out_typed_and_filtered_by_session_and_kind()
    {
        SeedRun("anomaly-run-1");

        var found = module.Run("Get-TokenUsageAnomaly -Session anomaly-run-1").ThrowIfFailed().Objects<TokenUsageAnomaly>();
        var bursts = module.Run("Get-TokenUsageAnomaly -Session anomaly-run-1 -Kind ErrorBurst").ThrowIfFailed().Output;
        var other = module.Run("Get-TokenUsageAnomaly -Session no-such-run").ThrowIfFailed().Output;

        var loop = Assert.Single(found);
        Assert.Equal(TokenUsageAnomalyKind.RetryLoop, loop.Kind);
        Assert.Equal("anomaly-run-1-client", loop.Session);
        Assert.Equal("codex", loop.App);
        Assert.Equal("anomaly-run-1", loop.TokentapSession);
        Assert.Equal(4, loop.Count);
        Assert.Equal(0, loop.ExtraTokens);
        Assert.Equal(0m, loop.ExtraCost);
        Assert.Equal("4 identical messages requests in 8 s, 4 of them failed (last: 429); request fingerprint 5a5a5a5a5a5a", loop.Detail);
        Assert.Empty(bursts);
        Assert.Empty(other);
    }

    [Fact]
    public void A_failed_assertion_is_a_terminating_error_listing_each_check_with_its_figure()
    {
        SeedRun("anomaly-run-2");

        var result = module.Run("""
            try { Assert-TokenUsage -Session anomaly-run-2 -MaxCost 0.005 -MaxErrorRate 0.5 -MaxRequests 5 -NoAnomaly RetryLoop -PassThru; 'NOT REACHED' }
            catch { $_ }
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
        var figures = (TokenUsageAssertion)result.Output[0].BaseObject;
        Assert.False(figures.Passed);
        Assert.Equal(7, figures.Requests);
        Assert.Equal(4, figures.Errors);
        Assert.Equal(0.009m, figures.Cost);
        Assert.Equal(600, figures.TotalTokens);
        var error = (ErrorRecord)result.Output[1].BaseObject;
        Assert.Equal("TokenUsageAssertionFailed,Tokentap.PowerShell.Commands.AssertTokenUsageCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Same(figures, error.TargetObject);
        Assert.Equal(
            string.Join(Environment.NewLine,
                "Token usage is over its limits:",
                "  Cost $0.009 is over -MaxCost $0.005.",
                "  Error rate 57.14% (4 of 7 requests failed) is over -MaxErrorRate 50%.",
                "  7 requests is over -MaxRequests 5.",
                "  RetryLoop anomaly found (-NoAnomaly RetryLoop); first: session anomaly-run-2-client: 4 identical messages requests in 8 s, 4 of them failed (last: 429); request fingerprint 5a5a5a5a5a5a."),
            error.Exception.Message);
    }

    [Fact]
    public void A_passing_assertion_writes_nothing_unless_PassThru()
    {
        SeedRun("anomaly-run-3");

        var quiet = module.Run("Assert-TokenUsage -Session anomaly-run-3 -MaxCost 1 -MaxRequests 7 -NoAnomaly CacheBreak, TokenSpike").ThrowIfFailed();
        var figures = module.Run("Assert-TokenUsage -Session anomaly-run-3 -MaxCost 1 -PassThru").Single<TokenUsageAssertion>();
        var nothing = module.Run("Assert-TokenUsage -Session anomaly-run-none -MaxCost 1").ThrowIfFailed();

        Assert.Empty(quiet.Output);
        Assert.True(figures.Passed);
        Assert.Equal(TokenUsageAnomalyKind.RetryLoop, Assert.Single(figures.Anomalies).Kind);
        Assert.Equal(["No requests match the filters, so nothing was checked. Is the agent's traffic going through Tokentap?"], nothing.Warnings);
    }

    [Fact]
    public void A_bad_anomalies_file_stops_both_commands_naming_its_line()
    {
        var file = Path.Combine(module.Home, "anomalies.json");
        File.WriteAllText(file, "{\n  \"retryLoop\": {\n    \"windowSeconds\": -1\n  }\n}\n");
        try
        {
            foreach (var command in new[] { "Get-TokenUsageAnomaly", "Assert-TokenUsage -MaxCost 1" })
            {
                var error = Assert.Single(module.Run(command).Errors);

                Assert.StartsWith("AnomalySettingsInvalid,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
                Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
                Assert.Equal(file, error.TargetObject);
                Assert.Equal($"{file} line 3: 'retryLoop.windowSeconds' must be a number from 1 to 86400.", error.Exception.Message);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static readonly HashSet<string> HelpCommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };
}
