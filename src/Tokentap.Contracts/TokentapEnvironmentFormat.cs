// How Get-TokentapEnvironment writes the session variables.
namespace Tokentap;

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
