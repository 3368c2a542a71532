// Shared plumbing for Tokentap's cmdlets: the engine, its failures as error records, its notices as warnings.
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell;

/// <summary>
/// Base class of every Tokentap cmdlet. It is the <see cref="ITokentapMessages"/> the engine's use cases talk to, so
/// their warnings and narration reach this pipeline from its own thread.
/// </summary>
public abstract class TokentapCmdlet : PSCmdlet, ITokentapMessages
{
    /// <summary>The engine for $TOKENTAP_HOME.</summary>
    private protected static TokentapEngine Engine => ModuleState.Engine;

    /// <summary>Writes a line to the host (the PSHOST information tag, as Write-Host does).</summary>
    public void WriteHostLine(string text) => WriteInformation(new HostInformationMessage { Message = text }, new[] { "PSHOST" });

    /// <summary>Opens the engine for a changed $TOKENTAP_HOME when nothing runs (the only place it is reopened).</summary>
    protected override void BeginProcessing() => ModuleState.ReopenIfHomeChanged();

    /// <summary>Writes a non-terminating error with a stable id, category and target.</summary>
    protected void WriteError(Exception exception, string errorId, ErrorCategory category, object? target) =>
        WriteError(new ErrorRecord(exception, errorId, category, target));

    /// <summary>Stops the cmdlet with a terminating error with a stable id, category and target.</summary>
    protected void ThrowTerminating(Exception exception, string errorId, ErrorCategory category, object? target) =>
        ThrowTerminatingError(new ErrorRecord(exception, errorId, category, target));

    /// <summary>
    /// The one mapping of engine failures to error records: the engine's id, category (named as ErrorCategory names
    /// them) and target; terminating when the engine says the command cannot go on.
    /// </summary>
    protected void WriteFailure(TokentapException failure)
    {
        var record = new ErrorRecord(failure, failure.ErrorId, Enum.Parse<ErrorCategory>(failure.Category.ToString()), failure.Target);
        if (failure.StopsCommand)
        {
            ThrowTerminatingError(record);
        }

        WriteError(record);
    }

    /// <summary>Runs a use case: its engine failures become error records, then the engine's notices become warnings.</summary>
    protected void WithEngine(Action useCase)
    {
        Guarded(useCase);
        WriteEngineNotices();
    }

    /// <summary>Runs a use case whose engine failures become error records (<see cref="WriteFailure"/>).</summary>
    protected void Guarded(Action useCase)
    {
        try
        {
            useCase();
        }
        catch (TokentapException failure)
        {
            WriteFailure(failure);
        }
    }

    /// <summary>
    /// Writes, once each, what the engine wants the user to know (unknown prices, a damaged database moved aside,
    /// recording failures) as warnings. Called at the end of every cmdlet that touches the engine.
    /// </summary>
    protected void WriteEngineNotices()
    {
        foreach (var notice in ModuleState.OpenEngine?.DrainNotices() ?? Array.Empty<string>())
        {
            WriteWarning(notice);
        }

        BudgetAlerts.Deliver(Events, WriteWarning);
    }

    /// <summary>The path given, or the session's $PROFILE when none was given.</summary>
    protected string ResolveProfilePath(string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return GetUnresolvedProviderPathFromPSPath(path);
        }

        var profile = SessionState.PSVariable.GetValue("PROFILE")?.ToString();
        if (string.IsNullOrEmpty(profile))
        {
            ThrowTerminating(
                new InvalidOperationException("This session has no $PROFILE; pass the profile file with -Path."),
                "ProfileNotFound",
                ErrorCategory.ObjectNotFound,
                null);
        }

        return profile!;
    }
}
