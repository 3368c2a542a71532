// Shows budget alerts where the user is, on the pipeline thread: a warning line and a Tokentap.Budget engine event,
// from every Tokentap cmdlet and from the prompt (Start-Tokentap wraps the prompt function once).
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace Tokentap.PowerShell;

/// <summary>
/// The engine queues alerts from its background work; they are shown only here, on the session's own thread, so
/// nothing is written into the middle of other output. Scripts subscribe with
/// <c>Register-EngineEvent -SourceIdentifier Tokentap.Budget -Action { $Event.MessageData }</c>.
/// </summary>
public static class BudgetAlerts
{
    /// <summary>The engine event's source identifier.</summary>
    public const string SourceIdentifier = "Tokentap.Budget";

    private const string PromptPath = "function:global:prompt";
    private const string Marker = "[Tokentap.PowerShell.BudgetAlerts]::AtPrompt($ExecutionContext)";

    // The wrapper runs the session's own prompt first, unchanged and uninlined, so it reads $? and $LASTEXITCODE as the
    // user's last command left them (prompt themes show that status) and may have a param block or return early; the
    // alerts follow in finally, before the host prints the prompt's text. One constant text: no prompt body is parsed.
    private const string Wrapper = "try { & ([Tokentap.PowerShell.BudgetAlerts]::PromptBefore()) } finally { " + Marker + " }";

    private static readonly ConditionalWeakTable<Runspace, ScriptBlock> Wrapped = new();

    /// <summary>Called by the wrapped prompt: shows the alerts queued since the last prompt or cmdlet.</summary>
    public static void AtPrompt(EngineIntrinsics context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Deliver(context.Events, message => context.Host.UI.WriteWarningLine(message));
    }

    /// <summary>Shows the queued alerts through <paramref name="warn"/> and raises one engine event for each.</summary>
    internal static void Deliver(PSEventManager events, Action<string> warn)
    {
        foreach (var alert in ModuleState.OpenEngine?.DrainBudgetAlerts() ?? [])
        {
            warn(alert.Message);
            events.GenerateEvent(SourceIdentifier, null, [alert], new PSObject(alert));
        }
    }

    /// <summary>
    /// Parses the wrapper on a pool thread (at Import-Module, whose own work uses one core). PowerShell keeps script
    /// blocks made from text in a process-wide cache, so <see cref="WrapPrompt"/>'s own <c>ScriptBlock.Create</c> then
    /// finds it: 0.2 ms instead of 6 to 9 ms on Start-Tokentap's path, also after a profile has run. Done beside the
    /// engine's start instead, it competed with the start's own second thread and saved nothing.
    /// </summary>
    internal static void ParseWrapperAhead() => ThreadPool.UnsafeQueueUserWorkItem(
        static _ =>
        {
            try
            {
                _ = ScriptBlock.Create(Wrapper);
            }
            catch (Exception)
            {
                // Nothing may escape a pool thread; WrapPrompt parses the same text itself and reports a failure there.
            }
        },
        null);

    /// <summary>The prompt function the runspace had when Start-Tokentap wrapped it (called by the wrapper).</summary>
    public static ScriptBlock PromptBefore() =>
        Runspace.DefaultRunspace is { } runspace && Wrapped.TryGetValue(runspace, out var prompt) ? prompt : DefaultPrompt();

    /// <summary>
    /// Puts the alert check after the session's prompt function, once: the next prompt after an alert shows it. The
    /// prompt's own output, and what it sees of the last command ($?), are unchanged.
    /// </summary>
    internal static void WrapPrompt(PSCmdlet cmdlet)
    {
        // $function:global:prompt through the session state, not a script running Set-Item: no script compiled and no
        // cmdlet bound on the start path (about 540 methods fewer for the JIT in a new pwsh; docs/benchmarks.md, "Start").
        var current = cmdlet.SessionState.PSVariable.GetValue(PromptPath) as ScriptBlock;
        if (current is not null && current.ToString().Contains(Marker, StringComparison.Ordinal) || Runspace.DefaultRunspace is not { } runspace)
        {
            return;
        }

        Wrapped.AddOrUpdate(runspace, current ?? DefaultPrompt());

        // Set as an item, not as content: PSVariable.Set first tries ClearContent, which the function provider refuses
        // with an exception (two first-chance exceptions, the first a process pays, on every start).
        cmdlet.SessionState.InvokeProvider.Item.Set(PromptPath, ScriptBlock.Create(Wrapper));
    }

    // PowerShell's own default prompt, for a session without a prompt function.
    private static ScriptBlock DefaultPrompt() =>
        ScriptBlock.Create("\"PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) \"");
}
