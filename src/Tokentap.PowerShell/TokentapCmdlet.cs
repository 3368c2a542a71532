// Shared plumbing for Tokentap's cmdlets: error records with stable ids, engine notices as warnings, profile paths.
using System.Management.Automation;
using Tokentap.Engine.Session;
using Tokentap.Engine.Usage;

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

    /// <summary>
    /// Writes, once each, what the engine wants the user to know (unknown prices, a damaged database moved aside,
    /// recording failures) as warnings. Called at the end of every cmdlet that touches the engine.
    /// </summary>
    protected void WriteEngineNotices()
    {
        foreach (var notice in ModuleState.OpenRuntime?.DrainNotices() ?? Array.Empty<string>())
        {
            WriteWarning(notice);
        }

        BudgetAlerts.Deliver(Events, WriteWarning);
    }

    /// <summary>Turns a store failure into an error record with the right category; rethrows anything else.</summary>
    protected void WriteStoreError(Exception exception, string databasePath)
    {
        var (id, category) = StoreFailure.Classify(exception) switch
        {
            StoreFailureKind.Busy => ("DatabaseBusy", ErrorCategory.ResourceBusy),
            StoreFailureKind.NewerVersion => ("DatabaseVersionNotSupported", ErrorCategory.InvalidData),
            StoreFailureKind.AccessDenied => ("DatabaseAccessDenied", ErrorCategory.PermissionDenied),
            StoreFailureKind.Unavailable => ("DatabaseUnavailable", ErrorCategory.ReadError),
            StoreFailureKind.Damaged => ("DatabaseDamaged", ErrorCategory.InvalidData),
            _ => throw exception,
        };
        WriteError(exception, id, category, databasePath);
    }

    /// <summary>True for the failures <see cref="WriteStoreError"/> reports.</summary>
    protected static bool IsStoreFailure(Exception exception) => StoreFailure.Classify(exception) is not null;

    /// <summary>The HTTPS_PROXY the session already had, unless it points at a Tokentap (which would count twice).</summary>
    protected Uri? InheritedUpstreamProxy()
    {
        var existing = Environment.GetEnvironmentVariable("HTTPS_PROXY") ?? Environment.GetEnvironmentVariable("https_proxy");
        if (string.IsNullOrWhiteSpace(existing))
        {
            return null;
        }

        if (!Uri.TryCreate(existing.Contains("://", StringComparison.Ordinal) ? existing : "http://" + existing, UriKind.Absolute, out var uri))
        {
            WriteWarning($"Ignoring HTTPS_PROXY '{existing}': it is not a proxy URL.");
            return null;
        }

        var tokentap = ProxyRegistry.ListRunning(ModuleState.Runtime.Paths).FirstOrDefault(p => p.Port == uri.Port && uri.IsLoopback);
        if (tokentap is not null)
        {
            WriteWarning($"HTTPS_PROXY already points at a Tokentap proxy (process {tokentap.ProcessId}, port {tokentap.Port}); not chaining to it, so nothing is counted twice.");
            return null;
        }

        WriteVerbose($"Upstream traffic goes through the session's previous proxy {uri}.");
        return uri;
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
