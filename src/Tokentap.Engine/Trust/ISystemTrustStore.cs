// Adds the Tokentap root certificate to, or removes it from, the operating system's trust store.
using System.Security.Cryptography.X509Certificates;

namespace Tokentap.Engine.Trust;

/// <summary>One operating system's trust store. Both operations are idempotent.</summary>
public interface ISystemTrustStore
{
    /// <summary>Trusts the certificate (PEM file at <paramref name="pemPath"/>) in the given scope.</summary>
    CertificateTrustResult Install(X509Certificate2 certificate, string pemPath, CertificateStoreScope scope);

    /// <summary>Removes the certificate from the given scope.</summary>
    CertificateTrustResult Uninstall(X509Certificate2 certificate, string pemPath, CertificateStoreScope scope);

    /// <summary>The scope used when the user names none.</summary>
    CertificateStoreScope DefaultScope { get; }
}
