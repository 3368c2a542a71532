// One environment variable that Start-Tokentap sets for the session.
namespace Tokentap;

/// <summary>An environment variable Tokentap sets so that clients use the proxy and trust its certificate.</summary>
public sealed record TokentapEnvironmentVariable(string Name, string Value, string Purpose);

/// <summary>How Get-TokentapEnvironment writes the variables.</summary>
public enum TokentapEnvironmentFormat
{
    /// <summary>TokentapEnvironmentVariable objects.</summary>
    Object,

    /// <summary>NAME=value lines for a .env file.</summary>
    DotEnv,

    /// <summary>$env:NAME = 'value' lines for another PowerShell.</summary>
    PowerShell,

    /// <summary>export NAME='value' lines for bash, zsh and other POSIX shells.</summary>
    Posix,
}
