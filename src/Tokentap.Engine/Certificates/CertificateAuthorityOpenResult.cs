// The certificate authority plus what opening it changed, for the module to report.
namespace Tokentap.Engine.Certificates;

/// <summary>The opened CA, what happened, and a message fit for a warning when trust must be renewed.</summary>
/// <param name="Authority">The CA, ready to issue leaves; the caller disposes it.</param>
/// <param name="State">Whether it was loaded, created, re-issued or replaced.</param>
/// <param name="AddedPatterns">Intercept patterns newly permitted by this open (empty when loaded).</param>
/// <param name="PreviousThumbprint">The thumbprint of the certificate a re-issue replaced; else null.</param>
/// <param name="Message">One sentence describing what happened.</param>
public sealed record CertificateAuthorityOpenResult(
    CertificateAuthority Authority,
    CertificateAuthorityState State,
    IReadOnlyList<string> AddedPatterns,
    string? PreviousThumbprint,
    string Message)
{
    /// <summary>True when clients must (re-)trust the CA certificate: it is new or was re-issued.</summary>
    public bool TrustMustBeRenewed => State != CertificateAuthorityState.Loaded;
}
