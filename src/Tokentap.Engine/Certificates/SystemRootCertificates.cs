// Exports the operating system's trusted root certificates as PEM, for bundles that replace trust rather than add to it.
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tokentap.Engine.Certificates;

/// <summary>The platform's root certificates: the OS bundle file on Linux, the Root stores elsewhere.</summary>
internal static class SystemRootCertificates
{
    // The distribution bundles OpenSSL-based clients read by default. Environment variables such as SSL_CERT_FILE are
    // deliberately not consulted: the module points them at Tokentap's own bundle.
    private static readonly string[] BundleFiles =
    {
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem",
        "/etc/ssl/cert.pem",
    };

    /// <summary>The roots as concatenated PEM blocks (may be empty on a system without roots).</summary>
    public static string ExportPem()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
        {
            foreach (var file in BundleFiles)
            {
                if (File.Exists(file))
                {
                    var text = File.ReadAllText(file);
                    if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                    {
                        return text.EndsWith('\n') ? text : text + "\n";
                    }
                }
            }
        }

        var builder = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var certificate in Load())
        {
            using (certificate)
            {
                if (seen.Add(certificate.Thumbprint))
                {
                    builder.Append(certificate.ExportCertificatePem()).Append('\n');
                }
            }
        }

        return builder.ToString();
    }

    /// <summary>The roots as certificates (LocalMachine and CurrentUser Root stores); the caller disposes them.</summary>
    public static List<X509Certificate2> Load()
    {
        var result = new List<X509Certificate2>();
        foreach (var location in new[] { StoreLocation.LocalMachine, StoreLocation.CurrentUser })
        {
            try
            {
                using var store = new X509Store(StoreName.Root, location);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                foreach (var certificate in store.Certificates)
                {
                    result.Add(certificate);
                }
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // A store that does not exist for this user (common for CurrentUser on Linux) adds nothing.
            }
        }

        return result;
    }
}
