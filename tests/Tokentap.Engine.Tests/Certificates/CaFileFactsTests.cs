// Opening an existing CA from its files alone: the facts match the crypto library's reading, anything unusual takes
// the full load, and the key is loaded only when a leaf (or the certificate) is first needed.
using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Certificates;

public sealed class CaFileFactsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tokentap-ca-facts-" + Guid.NewGuid().ToString("N")[..8]);

    private string Directory1 => Path.Combine(_root, "one");

    private string CertificatePath => Path.Combine(Directory1, CertificateAuthority.CertificateFileName);

    private string KeyPath => Path.Combine(Directory1, CertificateAuthority.KeyFileName);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }

    [Fact]
    public void The_facts_read_without_the_crypto_library_equal_what_it_reads()
    {
        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));

        var facts = CaFileFacts.TryRead(CertificatePath, KeyPath);

        Assert.NotNull(facts);
        Assert.Equal(certificate.NotBefore.ToUniversalTime(), facts.NotBefore.UtcDateTime);
        Assert.Equal(certificate.NotAfter.ToUniversalTime(), facts.NotAfter.UtcDateTime);
        Assert.Equal(NameConstraints.Read(certificate)!.PermittedDnsNames, facts.Subtrees);
        Assert.Equal(InterceptHostList.DefaultPatterns.Select(HostPattern.Normalize).Select(NameConstraints.ToSubtree).Order(), facts.Subtrees.Order());
        Assert.Equal(File.ReadAllText(KeyPath), facts.KeyPem);
    }

    [Fact]
    public void Opening_an_existing_ca_loads_no_key_until_the_first_leaf_and_the_leaf_chains_to_it()
    {
        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();

        var result = CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns);
        using var ca = result.Authority;

        Assert.Equal(CertificateAuthorityState.Loaded, result.State);
        Assert.False(result.TrustMustBeRenewed);
        Assert.False(ca.IsSigningLoaded);
        using var onDisk = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));
        Assert.Equal(onDisk.NotAfter.ToUniversalTime(), ca.NotAfter.UtcDateTime);
        Assert.True(ca.Permits("api.anthropic.com"));
        Assert.False(ca.IsSigningLoaded);

        var context = ca.GetServerContext("api.anthropic.com");

        Assert.True(ca.IsSigningLoaded);
        Assert.Equal(onDisk.Thumbprint, ca.Thumbprint);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(onDisk);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(context.TargetCertificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public void A_key_of_another_ca_is_not_taken_and_the_full_load_replaces_the_pair()
    {
        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();
        var other = Path.Combine(_root, "two");
        CertificateAuthority.Open(other, InterceptHostList.DefaultPatterns).Authority.Dispose();
        File.Copy(Path.Combine(other, CertificateAuthority.KeyFileName), KeyPath, overwrite: true);

        Assert.Null(CaFileFacts.TryRead(CertificatePath, KeyPath));
        var result = CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns);
        using var ca = result.Authority;
        Assert.Equal(CertificateAuthorityState.Replaced, result.State);
    }

    [Fact]
    public void A_key_without_its_public_part_takes_the_full_load_which_accepts_it()
    {
        var first = CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns);
        var thumbprint = first.Authority.Thumbprint;
        first.Authority.Dispose();
        using (var key = ECDsa.Create())
        {
            key.ImportFromPem(File.ReadAllText(KeyPath));
            File.WriteAllText(KeyPath, PemEncoding.WriteString("PRIVATE KEY", Pkcs8WithoutPublicKey(key.ExportParameters(includePrivateParameters: true))) + "\n");
        }

        Assert.Null(CaFileFacts.TryRead(CertificatePath, KeyPath));
        var result = CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns);
        using var ca = result.Authority;
        Assert.Equal(CertificateAuthorityState.Loaded, result.State);
        Assert.True(ca.IsSigningLoaded);
        Assert.Equal(thumbprint, ca.Thumbprint);
    }

    [Fact]
    public void A_certificate_file_with_a_second_block_or_damaged_text_is_left_to_the_full_load()
    {
        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();
        var pem = File.ReadAllText(CertificatePath);

        File.WriteAllText(CertificatePath, pem + pem);
        Assert.Null(CaFileFacts.TryRead(CertificatePath, KeyPath));

        File.WriteAllText(CertificatePath, pem.Replace("-----END CERTIFICATE-----", "", StringComparison.Ordinal));
        Assert.Null(CaFileFacts.TryRead(CertificatePath, KeyPath));

        File.WriteAllText(CertificatePath, pem[..60] + "!!" + pem[62..]);
        Assert.Null(CaFileFacts.TryRead(CertificatePath, KeyPath));

        File.Delete(KeyPath);
        Assert.Null(CaFileFacts.TryRead(CertificatePath, KeyPath));
    }

    [Fact]
    public void A_pattern_the_constraints_do_not_cover_still_reissues_with_the_same_key()
    {
        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();
        var key = File.ReadAllText(KeyPath);

        var result = CertificateAuthority.Open(Directory1, [.. InterceptHostList.DefaultPatterns, "llm.example.test"]);
        using var ca = result.Authority;

        Assert.Equal(CertificateAuthorityState.Reissued, result.State);
        Assert.Equal(["llm.example.test"], result.AddedPatterns);
        Assert.Equal(key, File.ReadAllText(KeyPath));
        Assert.Contains("llm.example.test", CaFileFacts.TryRead(CertificatePath, KeyPath)!.Subtrees);
    }

    [Fact]
    public void A_ca_within_thirty_days_of_its_end_is_reissued_not_loaded_from_its_facts()
    {
        var created = DateTimeOffset.UtcNow;
        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();
        var late = new FixedTime(created + CertificateAuthority.CaValidity - TimeSpan.FromDays(10));

        var result = CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns, late);
        using var ca = result.Authority;

        Assert.Equal(CertificateAuthorityState.Reissued, result.State);
        Assert.True(ca.NotAfter > late.GetUtcNow() + TimeSpan.FromDays(3000));
    }

    [Fact]
    public void The_bundle_is_rewritten_only_when_it_does_not_end_with_the_certificate()
    {
        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();
        var bundlePath = Path.Combine(Directory1, CertificateAuthority.BundleFileName);
        var written = File.GetLastWriteTimeUtc(bundlePath);
        File.SetLastWriteTimeUtc(bundlePath, written - TimeSpan.FromHours(1));

        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();
        Assert.Equal(written - TimeSpan.FromHours(1), File.GetLastWriteTimeUtc(bundlePath));

        File.WriteAllText(bundlePath, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        CertificateAuthority.Open(Directory1, InterceptHostList.DefaultPatterns).Authority.Dispose();
        var bundle = File.ReadAllText(bundlePath);
        Assert.EndsWith(File.ReadAllText(CertificatePath), bundle, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA\n", bundle, StringComparison.Ordinal);
    }

    // PKCS#8 around an RFC 5915 ECPrivateKey that carries only the private scalar (no [1] public key).
    private static byte[] Pkcs8WithoutPublicKey(ECParameters parameters)
    {
        var ecPrivateKey = new AsnWriter(AsnEncodingRules.DER);
        using (ecPrivateKey.PushSequence())
        {
            ecPrivateKey.WriteInteger(1);
            ecPrivateKey.WriteOctetString(parameters.D);
        }

        var info = new AsnWriter(AsnEncodingRules.DER);
        using (info.PushSequence())
        {
            info.WriteInteger(0);
            using (info.PushSequence())
            {
                info.WriteObjectIdentifier("1.2.840.10045.2.1");
                info.WriteObjectIdentifier("1.2.840.10045.3.1.7");
            }

            info.WriteOctetString(ecPrivateKey.Encode());
        }

        return info.Encode();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
