// The kinds of failure the engine reports, named as PowerShell's ErrorCategory names them (the module maps by name).
namespace Tokentap;

/// <summary>What kind of failure a <see cref="TokentapException"/> is; each name equals a PowerShell ErrorCategory.</summary>
public enum TokentapErrorCategory
{
    /// <summary>An argument the user gave cannot be used.</summary>
    InvalidArgument,

    /// <summary>Data on disk or in a file the user named cannot be read as what it should be.</summary>
    InvalidData,

    /// <summary>The operation failed in a way none of the others describes.</summary>
    InvalidOperation,

    /// <summary>A part of the system the operation needs is missing.</summary>
    NotInstalled,

    /// <summary>Something the user asked for does not exist.</summary>
    ObjectNotFound,

    /// <summary>Something could not be opened or started.</summary>
    OpenError,

    /// <summary>The user lacks the rights for the operation.</summary>
    PermissionDenied,

    /// <summary>Something could not be read.</summary>
    ReadError,

    /// <summary>Another process holds what the operation needs.</summary>
    ResourceBusy,

    /// <summary>A resource the operation needs (a port) is not available.</summary>
    ResourceUnavailable,

    /// <summary>Something could not be written.</summary>
    WriteError,
}
