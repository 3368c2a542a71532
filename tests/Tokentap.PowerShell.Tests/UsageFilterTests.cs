// The usage filters declared once (UsageFilterCmdlet): the same parameters and completers on every cmdlet that filters,
// and the same meaning, including the ones Watch-TokenUsage and Remove-TokenUsage gained from the shared declaration.
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class UsageFilterTests(ModuleFixture module)
{
    private static readonly string[] FilteringCmdlets = ["Get-TokenUsage", "Get-TokenUsageSummary", "Remove-TokenUsage", "Watch-TokenUsage"];
    private readonly string _project = "/filter-tests/" + Guid.NewGuid().ToString("N");
    private readonly DateTime _now = DateTime.UtcNow;

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_filtering_cmdlet_has_the_same_filters_and_completers(string cmdlet)
    {
        var completers = module.Run(
            """
            $parameters = (Get-Command $args[0]).Parameters
            'Since', 'Until', 'Provider', 'Model', 'App', 'Session', 'Project', 'Status' | ForEach-Object {
                $completer = $parameters[$_].Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }
                "$_=$($parameters[$_].ParameterType.Name):$($completer.Type.Name)"
            }
            """,
            cmdlet).ThrowIfFailed().Objects<string>();

        Assert.Equal(
            ["Since=Nullable`1:", "Until=Nullable`1:", "Provider=String[]:ProviderCompleter", "Model=String[]:ModelCompleter", "App=String[]:AppCompleter",
             "Session=String[]:SessionCompleter", "Project=String[]:ProjectCompleter", "Status=Nullable`1:"],
            completers);
    }

    public static TheoryData<string> Cmdlets() => new(FilteringCmdlets);

    [Fact]
    public void Watch_takes_Until_and_Status_as_the_summary_does()
    {
        TestPrograms.Seed(Path.Combine(module.Home, "usage.db"), Events());
        var until = _now.AddMinutes(-15);

        var early = module.Run("Watch-TokenUsage -Once -Window 1h -Until $args[1] -Project $args[0]", _project, until).Single<TokenUsageSnapshot>();
        var summary = module.Run("Get-TokenUsageSummary -Since $args[1] -Until $args[2] -Project $args[0]", _project, _now.AddHours(-1), until).Single<UsageSummaryRow>();
        var failed = module.Run("Watch-TokenUsage -Once -Window 1h -Status Error -Project $args[0]", _project).Single<TokenUsageSnapshot>();

        Assert.Equal((2L, 0.08m), (early.Requests, early.Cost));
        Assert.Equal((2L, (decimal?)0.08m), (summary.Requests, summary.Cost));
        Assert.Equal((1L, 1L, 0m), (failed.Requests, failed.Errors, failed.Cost));
    }

    [Fact]
    public void Remove_takes_Since_and_filters_piped_events()
    {
        TestPrograms.Seed(Path.Combine(module.Home, "usage.db"), Events());

        module.Run("Get-TokenUsage -Project $args[0] | Remove-TokenUsage -App codex -Confirm:$false", _project).ThrowIfFailed();
        var afterPipe = module.Run("Get-TokenUsage -Project $args[0]", _project).Objects<UsageEvent>().Select(e => e.RequestId).ToList();
        module.Run("Remove-TokenUsage -Before $args[1] -Since $args[2] -Project $args[0] -Confirm:$false", _project, _now, _now.AddMinutes(-30)).ThrowIfFailed();
        var afterRange = module.Run("Get-TokenUsage -Project $args[0]", _project).Objects<UsageEvent>().Select(e => e.RequestId).ToList();

        Assert.Equal([Id("f-1"), Id("f-2"), Id("f-4")], afterPipe);
        Assert.Equal([Id("f-1")], afterRange);
    }

    private string Id(string name) => _project + "-" + name;

    /// <summary>Four events in the last hour: two Sonnet calls, a codex call and a failed Haiku call.</summary>
    private UsageEvent[] Events() =>
    [
        Event("f-1", -50, "claude-code", "claude-sonnet-4-5", 0.05m, 200),
        Event("f-2", -20, "claude-code", "claude-sonnet-4-5", 0.03m, 200),
        Event("f-3", -10, "codex", "gpt-5", 0.02m, 200),
        Event("f-4", -5, "claude-code", "claude-haiku-4-5", 0m, 429),
    ];

    private UsageEvent Event(string id, double minutes, string app, string model, decimal cost, int status) => new()
    {
        Timestamp = _now.AddMinutes(minutes),
        Provider = app == "codex" ? "openai" : "anthropic",
        Host = "api.example",
        Endpoint = "messages",
        Model = model,
        InputTokens = 10,
        OutputTokens = 5,
        Cost = cost,
        StatusCode = status,
        Error = status == 200 ? null : "rate limited",
        DurationMs = 100,
        App = app,
        Project = _project,
        RequestId = Id(id),
    };
}
