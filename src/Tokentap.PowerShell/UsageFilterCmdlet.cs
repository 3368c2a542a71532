// The filter parameters Get-TokenUsage and Get-TokenUsageSummary share, turned into the engine's UsageFilter.
using System.Management.Automation;
using Tokentap.Engine.Usage;

namespace Tokentap.PowerShell;

/// <summary>Base of the cmdlets that read the usage store with the common filters.</summary>
public abstract class UsageFilterCmdlet : TokentapCmdlet
{
    /// <summary>Only events at or after this time (local unless the DateTime says UTC).</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Only events before this time.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Provider names (wildcards allowed): anthropic, openai, google, ...</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    [SupportsWildcards]
    public string[]? Provider { get; set; }

    /// <summary>Model names (wildcards allowed), e.g. claude-*.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [SupportsWildcards]
    public string[]? Model { get; set; }

    /// <summary>Calling applications (wildcards allowed): claude-code, codex, gemini-cli, curl, ...</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AppCompleter))]
    [SupportsWildcards]
    public string[]? App { get; set; }

    /// <summary>Tokentap session names (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SessionCompleter))]
    [SupportsWildcards]
    public string[]? Session { get; set; }

    /// <summary>Projects (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProjectCompleter))]
    [SupportsWildcards]
    public string[]? Project { get; set; }

    /// <summary>Only successful or only failed exchanges.</summary>
    [Parameter]
    public UsageStatus? Status { get; set; }

    /// <summary>Only events from these sources: Proxy (captured live), ClaudeCodeLog, CodexLog, GeminiLog, Manual.</summary>
    [Parameter]
    public UsageSource[]? Source { get; set; }

    /// <summary>
    /// Waits briefly for the events this process captured but has not committed yet (the recorder writes every
    /// 200 ms), so a query typed right after an agent's call includes that call. Other processes' proxies commit on
    /// their own schedule; a failing disk never holds the query longer than the timeout.
    /// </summary>
    private protected static void CatchUpWithThisProcess() =>
        ModuleState.OpenRuntime?.FlushAsync().Wait(TimeSpan.FromSeconds(2));

    /// <summary>The engine filter for the bound parameters.</summary>
    private protected UsageFilter BuildFilter()
    {
        if (Since is { } since && Until is { } until && until <= since)
        {
            ThrowTerminating(new ArgumentException($"-Until ({until}) must be later than -Since ({since})."), "InvalidTimeRange", ErrorCategory.InvalidArgument, Until);
        }

        return new UsageFilter
        {
            Since = Since,
            Until = Until,
            Provider = Provider,
            Model = Model,
            App = App,
            Session = Session,
            Project = Project,
            Status = Status,
            Source = Source,
        };
    }
}
