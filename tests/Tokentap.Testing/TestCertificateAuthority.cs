// A throwaway certificate authority for tests: signs server certificates for in-test upstreams on 127.0.0.1.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tokentap.Testing;

/// <summary>A test root CA that issues server certificates, written to a PEM file the code under test can trust.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly RSA _key;

    public TestCertificateAuthority(string name = "Tokentap Test Root")
    {
        _key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        PemPath = Path.Combine(Path.GetTempPath(), $"tokentap-test-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(PemPath, Certificate.ExportCertificatePem());
    }

    /// <summary>The root certificate (with its private key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A PEM file holding only the root certificate.</summary>
    public string PemPath { get; }

    /// <summary>Issues a server certificate for the given DNS names and IP addresses, valid from notBefore to notAfter.</summary>
    public X509Certificate2 IssueServerCertificate(
        IEnumerable<string> dnsNames,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        bool includeLoopbackIp = true)
    {
        using var key = RSA.Create(2048);
        var names = dnsNames.ToList();
        var request = new CertificateRequest($"CN={names.FirstOrDefault() ?? "localhost"}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        if (includeLoopbackIp)
        {
            san.AddIpAddress(System.Net.IPAddress.Loopback);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(
            Certificate,
            notBefore ?? DateTimeOffset.UtcNow.AddDays(-1),
            notAfter ?? DateTimeOffset.UtcNow.AddDays(30),
            serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so SslStream on Linux can use the ephemeral key.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A self-signed server certificate (trusted by nobody) for the given DNS names and 127.0.0.1.</summary>
    public static X509Certificate2 CreateSelfSignedServerCertificate(IEnumerable<string> dnsNames)
    {
        using var key = RSA.Create(2048);
        var names = dnsNames.ToList();
        var request = new CertificateRequest($"CN={names.FirstOrDefault() ?? "localhost"}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
        try
        {
            File.Delete(PemPath);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless.
        }
    }
}
