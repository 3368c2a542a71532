// The members a pipeline reads off UsageEvent besides the stored numbers: Day and LocalTime (the local calendar, for
// Group-Object and Sort-Object) and the Tokens alias.
using System.Management.Automation;
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class UsageEventMemberTests(ModuleFixture module)
{
    private readonly string _project = "/member-tests/" + Guid.NewGuid().ToString("N");

    [Fact]
    public void Group_Object_Day_groups_by_the_local_day_and_Tokens_sums_every_token()
    {
        // Half an hour either side of a local midnight three days ago: two local days, whatever the time zone.
        var midnight = DateTime.Today.AddDays(-3);
        var before = midnight.AddMinutes(-30).ToUniversalTime();
        var after = midnight.AddMinutes(30).ToUniversalTime();
        TestPrograms.Seed(Path.Combine(module.Home, "usage.db"), [Event("m-1", before, 100), Event("m-2", after, 20), Event("m-3", after.AddMinutes(5), 3)]);

        var groups = module.Run(
            "Get-TokenUsage -Project $args[0] | Group-Object Day | ForEach-Object { '{0:yyyy-MM-dd}={1}' -f $_.Group[0].Day, $_.Count }",
            _project).ThrowIfFailed().Objects<string>();
        var tokens = module.Run("(Get-TokenUsage -Project $args[0] | Measure-Object Tokens -Sum).Sum", _project).Single<double>();
        var times = module.Run("Get-TokenUsage -Project $args[0] | Sort-Object LocalTime | ForEach-Object LocalTime", _project).Objects<DateTime>();

        Assert.Equal([$"{midnight.AddDays(-1):yyyy-MM-dd}=1", $"{midnight:yyyy-MM-dd}=2"], groups);
        Assert.Equal(100 + 5 + 20 + 5 + 3 + 5, tokens);
        Assert.Equal([before.ToLocalTime(), after.ToLocalTime(), after.AddMinutes(5).ToLocalTime()], times);
    }

    [Fact]
    public void Day_and_LocalTime_are_properties_of_the_type_not_script_properties()
    {
        // A script property runs a script block for every object a Group-Object or Sort-Object reads (3 to 4 times
        // slower over 50,000 events).
        var kinds = module.Run(
            "$e = [Tokentap.UsageEvent]::new(); 'Day', 'LocalTime', 'Tokens' | ForEach-Object { $e.PSObject.Properties[$_].MemberType }")
            .ThrowIfFailed().Objects<PSMemberTypes>();

        Assert.Equal([PSMemberTypes.Property, PSMemberTypes.Property, PSMemberTypes.AliasProperty], kinds);
    }

    private UsageEvent Event(string id, DateTime timestamp, long input) => new()
    {
        Timestamp = timestamp,
        Provider = "anthropic",
        Host = "api.example",
        Endpoint = "messages",
        Model = "claude-sonnet-4-5",
        InputTokens = input,
        OutputTokens = 5,
        Cost = 0.01m,
        StatusCode = 200,
        DurationMs = 100,
        App = "claude-code",
        Project = _project,
        RequestId = _project + "-" + id,
    };
}
