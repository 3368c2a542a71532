// Shared plumbing for Tokentap's cmdlets: error records with stable ids, and profile path resolution.
using System.Management.Automation;

namespace Tokentap.PowerShell;

/// <summary>Base class of every Tokentap cmdlet.</summary>
public abstract class TokentapCmdlet : PSCmdlet
{
    /// <summary>Writes a non-terminating error with a stable id, category and target.</summary>
    protected void WriteError(Exception exception, string errorId, ErrorCategory category, object? target) =>
        WriteError(new ErrorRecord(exception, errorId, category, target));

    /// <summary>Stops the cmdlet with a terminating error with a stable id, category and target.</summary>
    protected void ThrowTerminating(Exception exception, string errorId, ErrorCategory category, object? target) =>
        ThrowTerminatingError(new ErrorRecord(exception, errorId, category, target));

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
