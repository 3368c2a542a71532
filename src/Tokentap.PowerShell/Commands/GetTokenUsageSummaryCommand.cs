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
        try
        {
            WriteObject(Engine.GetSummary(filter, By, TimeZone), enumerateCollection: true);
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }

        WriteEngineNotices();
    }
}
