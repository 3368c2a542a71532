// Where the engine facade sends what the user should read while a use case runs: warnings, narration, host lines.
namespace Tokentap;

/// <summary>
/// Messages from a facade call, delivered synchronously on the caller's thread while the call runs (a cmdlet passes
/// itself, so they reach the pipeline from the pipeline thread). Background work never calls it.
/// </summary>
public interface ITokentapMessages
{
    /// <summary>A doubt the user should see (Write-Warning).</summary>
    void WriteWarning(string text);

    /// <summary>Narration for -Verbose.</summary>
    void WriteVerbose(string text);

    /// <summary>A line for the host (Write-Host, the PSHOST information tag).</summary>
    void WriteHostLine(string text);
}
