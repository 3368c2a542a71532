// What one script run in the hosted runspace produced, stream by stream.
using System.Management.Automation;

namespace Tokentap.PowerShell.Tests;

public sealed record ScriptResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Verbose,
    IReadOnlyList<string> Information)
{
    /// <summary>Throws with every error's text when the run wrote errors.</summary>
    public ScriptResult ThrowIfFailed()
    {
        if (Errors.Count > 0)
        {
            throw new InvalidOperationException("Script failed:\n" + string.Join("\n", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        }

        return this;
    }

    /// <summary>The output objects' base objects cast to T.</summary>
    public IReadOnlyList<T> Objects<T>() => Output.Select(o => (T)o.BaseObject).ToList();

    /// <summary>The single output object's base object as T.</summary>
    public T Single<T>() => (T)Assert.Single(ThrowIfFailed().Output).BaseObject;
}
