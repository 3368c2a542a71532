// Get-TokenUsageSummary: totals computed by the engine, grouped by time buckets, billing blocks and labels.
using System.Globalization;
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokenUsageSummary")]
[OutputType(typeof(UsageSummaryRow))]
public sealed class GetTokenUsageSummaryCommand : UsageFilterCmdlet
{
    /// <summary>What to group by; several give one row per combination. None gives one total row.</summary>
    [Parameter(Position = 0)]
    public UsageGroupBy[] By { get; set; } = Array.Empty<UsageGroupBy>();

    /// <summary>The time zone for Day, Hour, Week and Month boundaries (an id such as Europe/Berlin or UTC); default local.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    /// <summary>The first day of a week for -By Week; default the current culture's (Monday gives ISO 8601 weeks).</summary>
    [Parameter]
    public DayOfWeek? WeekStart { get; set; }

    /// <summary>Also compute what prompt caching saved and cost (reads every event of the range).</summary>
    [Parameter]
    public SwitchParameter CacheSavings { get; set; }

    protected override void EndProcessing()
    {
        var filter = BuildFilter();
        CatchUpWithThisProcess();
        try
        {
            var options = new UsageSummaryOptions
            {
                TimeZone = TimeZone,
                WeekStart = WeekStart ?? CultureInfo.CurrentCulture.DateTimeFormat.FirstDayOfWeek,
                CacheSavings = CacheSavings,
            };
            WriteObject(Engine.GetSummary(filter, By, options), enumerateCollection: true);
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }

        WriteEngineNotices();
    }
}
