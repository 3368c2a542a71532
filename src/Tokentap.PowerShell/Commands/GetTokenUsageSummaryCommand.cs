// Get-TokenUsageSummary: totals computed by the engine, grouped by day, hour, model, provider, app, session or project.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokenUsageSummary")]
[OutputType(typeof(UsageSummaryRow))]
public sealed class GetTokenUsageSummaryCommand : UsageFilterCmdlet
{
    /// <summary>What to group by; several give one row per combination. None gives one total row.</summary>
    [Parameter(Position = 0)]
    public UsageGroupBy[] By { get; set; } = Array.Empty<UsageGroupBy>();

    /// <summary>The time zone for Day and Hour boundaries (an id such as Europe/Berlin or UTC); default local.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    protected override void EndProcessing()
    {
        var filter = BuildFilter();
        CatchUpWithThisProcess();
        var zone = TimeZoneInfo.Local;
        if (TimeZone is not null)
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                ThrowTerminating(ex, "TimeZoneNotFound", ErrorCategory.InvalidArgument, TimeZone);
            }
        }

        var runtime = ModuleState.Runtime;
        try
        {
            foreach (var row in runtime.Store.Summarize(filter, By.Distinct().ToList(), zone))
            {
                WriteObject(row);
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            WriteStoreError(ex, runtime.Paths.DatabasePath);
        }

        WriteEngineNotices();
    }
}
