// The filter parameters every cmdlet that filters usage shares, declared once and turned into a UsageFilter.
using System.Management.Automation;

namespace Tokentap.PowerShell;

/// <summary>
/// Base of the cmdlets that filter usage events (Get-TokenUsage, Get-TokenUsageSummary, Remove-TokenUsage,
/// Watch-TokenUsage and the cmdlets to come): the same parameters, completers and wildcard rules everywhere. The
/// store matches label patterns itself, with * and ? only (no [a-z] ranges), ignoring case.
/// </summary>
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
    private protected static void CatchUpWithThisProcess() => ModuleState.OpenEngine?.CatchUp(TimeSpan.FromSeconds(2));

    /// <summary>The filter for the bound parameters; stops the cmdlet when -Until is not later than -Since.</summary>
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
