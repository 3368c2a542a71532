// Remove-TokenUsage: retention. Deletes events before a date (with filters) or the events piped in.
using System.Management.Automation;
using Tokentap.Engine.Usage;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Remove, "TokenUsage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = FilterSet)]
[OutputType(typeof(void))]
public sealed class RemoveTokenUsageCommand : TokentapCmdlet
{
    private const string FilterSet = "Filter";
    private const string InputSet = "InputObject";
    private readonly List<UsageEvent> _events = new();

    /// <summary>Remove events before this time.</summary>
    [Parameter(ParameterSetName = FilterSet, Mandatory = true, Position = 0)]
    public DateTime Before { get; set; }

    /// <summary>Only events of these providers (wildcards allowed).</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    [SupportsWildcards]
    public string[]? Provider { get; set; }

    /// <summary>Only events of these models (wildcards allowed).</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [SupportsWildcards]
    public string[]? Model { get; set; }

    /// <summary>Only events of these apps (wildcards allowed).</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [ArgumentCompleter(typeof(AppCompleter))]
    [SupportsWildcards]
    public string[]? App { get; set; }

    /// <summary>Only events of these sessions (wildcards allowed).</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [ArgumentCompleter(typeof(SessionCompleter))]
    [SupportsWildcards]
    public string[]? Session { get; set; }

    /// <summary>Only events of these projects (wildcards allowed).</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [ArgumentCompleter(typeof(ProjectCompleter))]
    [SupportsWildcards]
    public string[]? Project { get; set; }

    /// <summary>Only successful or only failed exchanges.</summary>
    [Parameter(ParameterSetName = FilterSet)]
    public UsageStatus? Status { get; set; }

    /// <summary>Events to remove, from Get-TokenUsage.</summary>
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
        var runtime = ModuleState.Runtime;
        try
        {
            var store = runtime.Store;
            if (ParameterSetName == InputSet)
            {
                if (_events.Count > 0 && ShouldProcess(runtime.Paths.DatabasePath, $"Remove {UsageEvents(_events.Count)}"))
                {
                    WriteVerbose($"Removed {UsageEvents(store.Remove(_events))}.");
                }

                return;
            }

            var filter = new UsageFilter { Provider = Provider, Model = Model, App = App, Session = Session, Project = Project, Status = Status };
            var count = store.Remove(Before, filter, dryRun: true);
            if (ShouldProcess(runtime.Paths.DatabasePath, $"Remove {UsageEvents(count)} before {Before:yyyy-MM-dd HH:mm:ss}"))
            {
                WriteVerbose($"Removed {UsageEvents(store.Remove(Before, filter))}.");
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            WriteStoreError(ex, runtime.Paths.DatabasePath);
        }

        WriteEngineNotices();
    }

    /// <summary>"1 usage event", "2 usage events".</summary>
    private static string UsageEvents(long count) => count == 1 ? "1 usage event" : $"{count:N0} usage events";
}
