// The outcome of trusting or untrusting the Tokentap root certificate in an operating system trust store.
namespace Tokentap;

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
