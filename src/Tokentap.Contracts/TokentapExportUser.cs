// How the OTLP export names the user in its resource attributes (Enable-TokentapExport -User).
namespace Tokentap;

/// <summary>Whether the exported resource carries the user name as it is, a hash of it, or nothing.</summary>
public enum TokentapExportUser
{
    /// <summary>user.name is the login name.</summary>
    On,

    /// <summary>No user attribute is sent.</summary>
    Off,

    /// <summary>user.name is the first 16 hex digits of the SHA-256 of the login name.</summary>
    Hashed,
}
