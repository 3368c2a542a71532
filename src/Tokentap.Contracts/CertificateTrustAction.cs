// What a trust-store change did.
namespace Tokentap;

/// <summary>What Install-TokentapCertificate or Uninstall-TokentapCertificate did.</summary>
public enum CertificateTrustAction
{
    Installed,
    AlreadyInstalled,
    Removed,
    NotInstalled,
}
