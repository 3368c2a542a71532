// The outcome of trusting or untrusting the Tokentap root certificate in an operating system trust store.
namespace Tokentap;

/// <summary>Which trust store to change.</summary>
public enum CertificateStoreScope
{
    /// <summary>The current user's store (Windows CurrentUser\Root, the macOS login keychain).</summary>
    CurrentUser,

    /// <summary>The machine's store (Windows LocalMachine\Root, the macOS System keychain, the Linux system anchors).</summary>
    LocalMachine,
}

/// <summary>What Install-TokentapCertificate or Uninstall-TokentapCertificate did.</summary>
public enum CertificateTrustAction
{
    Installed,
    AlreadyInstalled,
    Removed,
    NotInstalled,
}

/// <summary>The result of one trust-store change.</summary>
public sealed class CertificateTrustResult
{
    /// <summary>What happened.</summary>
    public required CertificateTrustAction Action { get; init; }

    /// <summary>The store that was changed.</summary>
    public required CertificateStoreScope Scope { get; init; }

    /// <summary>Where the certificate is (or was) trusted: a file, keychain or store name.</summary>
    public required string Location { get; init; }

    /// <summary>SHA-1 thumbprint of the Tokentap root certificate.</summary>
    public required string Thumbprint { get; init; }

    /// <summary>The system commands that were run, in order.</summary>
    public IReadOnlyList<string> Commands { get; init; } = Array.Empty<string>();
}
