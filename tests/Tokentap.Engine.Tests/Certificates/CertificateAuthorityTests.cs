// The Tokentap CA: files and their modes, the certificate's extensions, re-issuing, leaves, and its name constraints.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Certificates;

public sealed class CertificateAuthorityTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokentap-ca-tests-" + Guid.NewGuid().ToString("N")[..8], "ca");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }

    [Fact]
    public void First_open_creates_the_files_with_owner_only_key_and_a_full_bundle()
    {
        var result = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns);
        using var ca = result.Authority;

        Assert.Equal(CertificateAuthorityState.Created, result.State);
        Assert.True(result.TrustMustBeRenewed);
        Assert.Equal(InterceptHostList.DefaultPatterns, result.AddedPatterns);
        Assert.Equal(Path.Combine(_directory, "ca.pem"), ca.CertificatePath);
        Assert.Equal(Path.Combine(_directory, "ca.key.pem"), ca.KeyPath);
        Assert.True(File.Exists(ca.CertificatePath));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(ca.KeyPath), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ca.KeyPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
        }

        Assert.Equal(File.ReadAllText(ca.CertificatePath), ca.CertificatePem);
        var bundle = File.ReadAllText(ca.BundlePath);
        Assert.EndsWith(ca.CertificatePem, bundle, StringComparison.Ordinal);
        var bundled = new X509Certificate2Collection();
        bundled.ImportFromPemFile(ca.BundlePath);
        Assert.True(bundled.Count > 10, $"only {bundled.Count} certificates in the bundle");
        Assert.Contains(bundled, c => c.Thumbprint == ca.Thumbprint);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void The_certificate_is_a_constrained_ten_year_p256_root()
    {
        using var ca = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority;
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(ca.CertificatePath));

        Assert.Equal(certificate.Subject, certificate.Issuer);
        Assert.Contains("Tokentap", certificate.Subject, StringComparison.Ordinal);
        using (var key = certificate.GetECDsaPublicKey())
        {
            Assert.NotNull(key);
            Assert.Equal(256, key!.KeySize);
            Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        }

        Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 3650, 3655);
        var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(basic.Critical);
        Assert.True(basic.CertificateAuthority);
        Assert.True(basic.HasPathLengthConstraint);
        Assert.Equal(0, basic.PathLengthConstraint);
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);

        var constraints = NameConstraints.Read(certificate)!;
        Assert.True(constraints.Critical);
        Assert.Equal(
            new[]
            {
                "api.anthropic.com", "api.openai.com", "chatgpt.com", "generativelanguage.googleapis.com", "cloudcode-pa.googleapis.com",
                ".openai.azure.com", "openrouter.ai", "api.deepseek.com", "api.mistral.ai", "api.groq.com", "api.x.ai", "api.together.xyz",
            },
            constraints.PermittedDnsNames);
        Assert.Empty(constraints.ExcludedDnsNames);
        Assert.Empty(constraints.PermittedIpRanges);
        Assert.Equal(2, constraints.ExcludedIpRanges.Count);
        Assert.Equal(new byte[8], constraints.ExcludedIpRanges[0]);
        Assert.Equal(new byte[32], constraints.ExcludedIpRanges[1]);
    }

    [Fact]
    public void Reopening_loads_the_same_ca_and_covered_additions_change_nothing()
    {
        string thumbprint;
        using (var created = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority)
        {
            thumbprint = created.Thumbprint;
        }

        CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority.Dispose();
        var result = CertificateAuthority.Open(_directory, InterceptHostList.WithAdditions(new[] { "myres.openai.azure.com" }).Patterns);
        using var ca = result.Authority;

        Assert.Equal(CertificateAuthorityState.Loaded, result.State);
        Assert.False(result.TrustMustBeRenewed);
        Assert.Empty(result.AddedPatterns);
        Assert.Equal(thumbprint, ca.Thumbprint);
    }

    [Fact]
    public void A_host_outside_the_constraints_reissues_the_ca_with_the_same_key_and_says_so()
    {
        byte[] oldKey;
        string oldThumbprint;
        using (var created = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority)
        {
            oldKey = created.Certificate.GetPublicKey();
            oldThumbprint = created.Thumbprint;
        }

        var result = CertificateAuthority.Open(_directory, InterceptHostList.WithAdditions(new[] { "LLM.Corp.Example", "*.gateway.example" }).Patterns);
        using var ca = result.Authority;

        Assert.Equal(CertificateAuthorityState.Reissued, result.State);
        Assert.True(result.TrustMustBeRenewed);
        Assert.Equal(new[] { "llm.corp.example", "*.gateway.example" }, result.AddedPatterns);
        Assert.Equal(oldThumbprint, result.PreviousThumbprint);
        Assert.NotEqual(oldThumbprint, ca.Thumbprint);
        Assert.Equal(oldKey, ca.Certificate.GetPublicKey());
        Assert.Contains("llm.corp.example", result.Message, StringComparison.Ordinal);
        Assert.Contains(oldThumbprint, result.Message, StringComparison.Ordinal);
        Assert.Contains("llm.corp.example", ca.PermittedPatterns);
        Assert.Contains("*.gateway.example", ca.PermittedPatterns);
        Assert.Contains("api.anthropic.com", ca.PermittedPatterns);
        Assert.True(ca.Permits("a.gateway.example"));
        Assert.False(ca.Permits("gateway.example"));
        Assert.EndsWith(ca.CertificatePem, File.ReadAllText(ca.BundlePath), StringComparison.Ordinal);
        using var onDisk = X509Certificate2.CreateFromPem(File.ReadAllText(ca.CertificatePath));
        Assert.Equal(ca.Thumbprint, onDisk.Thumbprint);
    }

    [Fact]
    public void Unreadable_files_are_replaced_by_a_new_ca_and_reported()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "ca.pem"), "not a certificate");
        File.WriteAllText(Path.Combine(_directory, "ca.key.pem"), "not a key");

        var result = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns);
        using var ca = result.Authority;

        Assert.Equal(CertificateAuthorityState.Replaced, result.State);
        Assert.Contains("could not be read", result.Message, StringComparison.Ordinal);
        Assert.True(ca.Permits("api.openai.com"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("*.com")]
    [InlineData("bad_host!")]
    public void Ip_addresses_and_bad_names_cannot_be_intercept_hosts(string pattern)
    {
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Open(_directory, new[] { pattern }));
    }

    [Fact]
    public void Leaves_are_short_lived_p256_server_certificates_cached_per_host()
    {
        using var ca = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority;

        var context = ca.GetServerContext("api.anthropic.com");
        Assert.Same(context, ca.GetServerContext("API.anthropic.com."));
        var leaf = context.TargetCertificate;
        Assert.Equal("CN=api.anthropic.com", leaf.Subject);
        Assert.Equal(ca.Certificate.Subject, leaf.Issuer);
        Assert.Equal(new[] { "api.anthropic.com" }, leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.Equal("1.3.6.1.5.5.7.3.1", leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.InRange((leaf.NotAfter - leaf.NotBefore).TotalDays, 7, 7.1);
        Assert.Equal(256, leaf.GetECDsaPublicKey()!.KeySize);

        // Each host gets its own leaf, issued once and then served from the cache.
        var contexts = Enumerable.Range(0, 20).Select(i => ca.GetServerContext($"res{i}.openai.azure.com")).ToList();
        Assert.Equal(20, contexts.Select(c => c.TargetCertificate.Thumbprint).Distinct().Count());
        Assert.All(contexts.Select((c, i) => (c, i)), x => Assert.Same(x.c, ca.GetServerContext($"res{x.i}.openai.azure.com")));
        Assert.Equal("CN=res7.openai.azure.com", contexts[7].TargetCertificate.Subject);
        Assert.Throws<InvalidOperationException>(() => ca.GetServerContext("example.com"));
        Assert.Throws<InvalidOperationException>(() => ca.GetServerContext("openai.azure.com"));
    }

    [Fact]
    public void Every_leaf_of_one_authority_shares_one_key_made_in_memory_so_a_new_host_costs_one_signature()
    {
        using var ca = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority;
        var before = Directory.GetFiles(_directory).Order(StringComparer.Ordinal).ToList();

        var leaves = new[] { "api.anthropic.com", "api.openai.com", "res1.openai.azure.com" }.Select(h => ca.GetServerContext(h).TargetCertificate).ToList();

        Assert.Equal(1, ca.LeafKeysCreated);
        Assert.Equal(3, ca.LeavesIssued);
        Assert.Single(leaves.Select(l => Convert.ToHexString(l.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo())).Distinct());
        Assert.Equal(3, leaves.Select(l => l.SerialNumber).Distinct().Count());
        Assert.All(leaves, l => Assert.True(l.HasPrivateKey));
        Assert.Equal(before, Directory.GetFiles(_directory).Order(StringComparer.Ordinal).ToList());

        // A second authority over the same files (another process) makes a key of its own.
        using var other = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority;
        var otherLeaf = other.GetServerContext("api.anthropic.com").TargetCertificate;
        Assert.Equal(1, other.LeafKeysCreated);
        Assert.NotEqual(
            Convert.ToHexString(leaves[0].GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo()),
            Convert.ToHexString(otherLeaf.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo()));
    }

    [Theory]
    [InlineData("api.anthropic.com", null, true)]
    [InlineData("myres.openai.azure.com", null, true)]
    [InlineData("evil.example.com", null, false)]
    [InlineData("evil.com", null, false)]
    [InlineData("sub.api.openai.com", null, true)]
    [InlineData("a.b.api.anthropic.com", null, true)]
    [InlineData("openai.azure.com", null, false)]
    [InlineData("api.openai.com.evil.example", null, false)]
    [InlineData("api.openai.com", "127.0.0.1", false)]
    [InlineData("api.openai.com", "::1", false)]
    public void Chain_building_enforces_the_name_constraints(string host, string? ipAddress, bool valid)
    {
        // dNSName constraints (RFC 5280 4.2.1.10) permit the listed host and every name below it, so a leaf for
        // sub.api.openai.com is valid; README's Security section says so.
        using var ca = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority;
        using var leaf = ca.IssueLeaf(host, ipAddress);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        var built = chain.Build(leaf);

        Assert.Equal(valid, built);
        if (!valid)
        {
            var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            Assert.True(
                (flags & (X509ChainStatusFlags.HasNotPermittedNameConstraint | X509ChainStatusFlags.HasExcludedNameConstraint)) != 0,
                $"chain status: {flags}");
        }
    }
}
