// Get-TokenUsage: usage events from the store, streamed to the pipeline as typed objects.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokenUsage")]
[OutputType(typeof(UsageEvent))]
public sealed class GetTokenUsageCommand : UsageFilterCmdlet
{
    /// <summary>Only the most recent N events (still in time order unless -Newest).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Last { get; set; }

    /// <summary>Newest first instead of oldest first.</summary>
    [Parameter]
    public SwitchParameter Newest { get; set; }

    protected override void EndProcessing()
    {
        var filter = BuildFilter();
        CatchUpWithThisProcess();
        try
        {
            foreach (var usageEvent in Engine.GetUsage(filter, Newest, Last))
            {
                WriteObject(usageEvent);
            }
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }

        WriteEngineNotices();
    }
}
