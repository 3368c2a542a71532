// Shows budget alerts where the user is, on the pipeline thread: a warning line and a Tokentap.Budget engine event,
// from every Tokentap cmdlet and from the prompt (Start-Tokentap wraps the prompt function once).
using System.Management.Automation;

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

    private const string Marker = "[Tokentap.PowerShell.BudgetAlerts]::AtPrompt($ExecutionContext)";

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
    /// Puts the alert check in front of the session's prompt function, once: the next prompt after an alert shows it.
    /// The prompt's own output is unchanged.
    /// </summary>
    internal static void WrapPrompt(PSCmdlet cmdlet)
    {
        var current = cmdlet.InvokeCommand.InvokeScript("$function:global:prompt").FirstOrDefault()?.BaseObject as ScriptBlock;
        var body = current?.ToString() ?? "\"PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) \"";
        if (body.Contains(Marker, StringComparison.Ordinal))
        {
            return;
        }

        cmdlet.InvokeCommand.InvokeScript(
            "Set-Item -Path function:global:prompt -Value ([scriptblock]::Create($args[0]))",
            false,
            System.Management.Automation.Runspaces.PipelineResultTypes.None,
            null,
            Marker + "\n" + body);
    }
}
