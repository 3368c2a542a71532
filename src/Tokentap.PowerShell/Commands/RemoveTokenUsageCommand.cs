// Remove-TokenUsage: retention. Deletes the matching events before a date, or the matching events piped in.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Remove, "TokenUsage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = FilterSet)]
[OutputType(typeof(void))]
public sealed class RemoveTokenUsageCommand : UsageFilterCmdlet
{
    private const string FilterSet = "Filter";
    private const string InputSet = "InputObject";
    private readonly List<UsageEvent> _events = new();

    /// <summary>Remove events before this time.</summary>
    [Parameter(ParameterSetName = FilterSet, Mandatory = true, Position = 0)]
    public DateTime Before { get; set; }

    /// <summary>Events to remove, from Get-TokenUsage (only those the filters also match).</summary>
    [Parameter(ParameterSetName = InputSet, Mandatory = true, ValueFromPipeline = true)]
    public UsageEvent[] InputObject { get; set; } = Array.Empty<UsageEvent>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputSet)
        {
            _events.AddRange(InputObject);
        }
    }

    protected override void EndProcessing()
    {
        var filter = BuildFilter();
        try
        {
            if (ParameterSetName == InputSet)
            {
                var count = Engine.RemoveUsage(_events, filter, dryRun: true);
                if (count > 0 && ShouldProcess(Engine.DatabasePath, $"Remove {UsageEvents(count)}"))
                {
                    WriteVerbose($"Removed {UsageEvents(Engine.RemoveUsage(_events, filter))}.");
                }
            }
            else if (ShouldProcess(Engine.DatabasePath, $"Remove {UsageEvents(Engine.RemoveUsage(Before, filter, dryRun: true))} before {Before:yyyy-MM-dd HH:mm:ss}"))
            {
                WriteVerbose($"Removed {UsageEvents(Engine.RemoveUsage(Before, filter))}.");
            }
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }

        WriteEngineNotices();
    }

    /// <summary>"1 usage event", "2 usage events".</summary>
    private static string UsageEvents(long count) => count == 1 ? "1 usage event" : $"{count:N0} usage events";
}
