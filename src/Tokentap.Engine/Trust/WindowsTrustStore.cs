// Trusts the Tokentap CA in a Windows Root certificate store (CurrentUser or LocalMachine).
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tokentap.Engine.Trust;

/// <summary>The Windows Root store of the chosen scope, changed through X509Store.</summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsTrustStore : ISystemTrustStore
{
    public CertificateStoreScope DefaultScope => CertificateStoreScope.CurrentUser;

    public CertificateTrustResult Install(X509Certificate2 certificate, string pemPath, CertificateStoreScope scope) =>
        Change(certificate, scope, store =>
        {
            if (Contains(store, certificate))
            {
                return CertificateTrustAction.AlreadyInstalled;
            }

            using var publicOnly = new X509Certificate2(certificate.RawData);
            store.Add(publicOnly);
            return CertificateTrustAction.Installed;
        });

    public CertificateTrustResult Uninstall(X509Certificate2 certificate, string pemPath, CertificateStoreScope scope) =>
        Change(certificate, scope, store =>
        {
            var found = store.Certificates.Find(X509FindType.FindByThumbprint, certificate.Thumbprint, validOnly: false);
            if (found.Count == 0)
            {
                return CertificateTrustAction.NotInstalled;
            }

            store.RemoveRange(found);
            return CertificateTrustAction.Removed;
        });

    private static bool Contains(X509Store store, X509Certificate2 certificate) =>
        store.Certificates.Find(X509FindType.FindByThumbprint, certificate.Thumbprint, validOnly: false).Count > 0;

    private static CertificateTrustResult Change(X509Certificate2 certificate, CertificateStoreScope scope, Func<X509Store, CertificateTrustAction> change)
    {
        var location = scope == CertificateStoreScope.LocalMachine ? StoreLocation.LocalMachine : StoreLocation.CurrentUser;
        try
        {
            using var store = new X509Store(StoreName.Root, location);
            store.Open(OpenFlags.ReadWrite);
            var action = change(store);
            return new CertificateTrustResult
            {
                Action = action,
                Scope = scope,
                Location = $@"Cert:\{location}\Root",
                Thumbprint = certificate.Thumbprint,
            };
        }
        catch (CryptographicException ex)
        {
            var elevation = scope == CertificateStoreScope.LocalMachine;
            throw new TrustStoreException(
                elevation
                    ? $"Changing Cert:\\LocalMachine\\Root needs an elevated (Run as administrator) pwsh: {ex.Message}"
                    : $"Changing Cert:\\CurrentUser\\Root failed (the Windows confirmation may have been declined): {ex.Message}",
                elevation);
        }
    }
}
