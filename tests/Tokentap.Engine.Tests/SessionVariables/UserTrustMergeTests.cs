// A CA file the user already trusts through NODE_EXTRA_CA_CERTS or an SSL_CERT_FILE-style variable stays trusted:
// the session gets that file plus the Tokentap CA, written owner-only beside the CA.
using Tokentap.Engine.SessionVariables;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.SessionVariables;

public sealed class UserTrustMergeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tokentap-trust-merge-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _caDirectory;
    private readonly string _caPath;
    private readonly string _bundlePath;
    private readonly string _caPem;
    private readonly string _corporatePem;
    private readonly string _corporateFile;
    private readonly List<string> _warnings = new();

    public UserTrustMergeTests()
    {
        _caDirectory = Path.Combine(_root, "home", "ca");
        Directory.CreateDirectory(_caDirectory);
        using var tokentapCa = new TestCertificateAuthority("Tokentap Test CA");
        using var corporateCa = new TestCertificateAuthority("Corporate Test Root");
        _caPem = tokentapCa.Certificate.ExportCertificatePem() + "\n";
        _corporatePem = corporateCa.Certificate.ExportCertificatePem() + "\n";
        _caPath = Path.Combine(_caDirectory, "ca.pem");
        _bundlePath = Path.Combine(_caDirectory, "ca-bundle.pem");
        File.WriteAllText(_caPath, _caPem);
        File.WriteAllText(_bundlePath, "system roots\n" + _caPem);
        _corporateFile = Path.Combine(_root, "corporate.pem");
        File.WriteAllText(_corporateFile, _corporatePem);
        File.Delete(tokentapCa.PemPath);
        File.Delete(corporateCa.PemPath);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Dictionary<string, string> Compute(Dictionary<string, string> existing) =>
        SessionEnvironment.Compute("http://127.0.0.1:8080", _caPath, _bundlePath, n => existing.GetValueOrDefault(n), caseSensitiveNames: true, _warnings.Add)
            .ToDictionary(v => v.Name, v => v.Value);

    private string[] MergedFiles() => Directory.GetFiles(_caDirectory, "merged-*").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_users_SSL_CERT_FILE_bundle_replaces_the_system_roots_in_the_merged_bundle()
    {
        var variables = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile });

        var merged = Assert.Single(MergedFiles());
        Assert.Equal(_corporatePem + _caPem, File.ReadAllText(merged));
        Assert.Equal(merged, variables["SSL_CERT_FILE"]);
        // curl and Codex read SSL_CERT_FILE when their own variable is unset, so they keep the user's bundle too.
        Assert.Equal(merged, variables["CURL_CA_BUNDLE"]);
        Assert.Equal(merged, variables["CODEX_CA_CERTIFICATE"]);
        // Python requests never reads SSL_CERT_FILE: it had certifi's roots, so it gets system roots plus the CA.
        Assert.Equal(_bundlePath, variables["REQUESTS_CA_BUNDLE"]);
        Assert.Equal(_caPath, variables["NODE_EXTRA_CA_CERTS"]);
        Assert.Empty(_warnings);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(merged));
        }
    }

    [Fact]
    public void A_users_NODE_EXTRA_CA_CERTS_are_kept_beside_the_Tokentap_CA()
    {
        var variables = Compute(new() { ["NODE_EXTRA_CA_CERTS"] = _corporateFile });

        var merged = Assert.Single(MergedFiles());
        Assert.Equal(merged, variables["NODE_EXTRA_CA_CERTS"]);
        Assert.Equal(_corporatePem + _caPem, File.ReadAllText(merged));
        foreach (var name in new[] { "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "CODEX_CA_CERTIFICATE" })
        {
            Assert.Equal(_bundlePath, variables[name]);
        }
    }

    [Fact]
    public void Each_variable_merges_its_own_file_and_requests_falls_back_to_CURL_CA_BUNDLE()
    {
        var curlFile = Path.Combine(_root, "curl.pem");
        File.WriteAllText(curlFile, "# curl's own\r\n" + _corporatePem.TrimEnd('\n'));

        var variables = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile, ["CURL_CA_BUNDLE"] = curlFile });

        Assert.Equal(2, MergedFiles().Length);
        Assert.Equal(_corporatePem + _caPem, File.ReadAllText(variables["SSL_CERT_FILE"]));
        Assert.Equal(variables["SSL_CERT_FILE"], variables["CODEX_CA_CERTIFICATE"]);
        Assert.Equal("# curl's own\n" + _corporatePem + _caPem, File.ReadAllText(variables["CURL_CA_BUNDLE"]));
        Assert.Equal(variables["CURL_CA_BUNDLE"], variables["REQUESTS_CA_BUNDLE"]);
    }

    [Fact]
    public void The_merged_file_name_follows_the_source_so_shells_share_one_and_never_overwrite_another()
    {
        var first = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile })["SSL_CERT_FILE"];
        var again = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile })["SSL_CERT_FILE"];
        Assert.Equal(first, again);
        Assert.StartsWith(_caDirectory + Path.DirectorySeparatorChar + "merged-", first, StringComparison.Ordinal);
        Assert.Matches("^merged-[0-9a-f]{16}\\.pem$", Path.GetFileName(first));

        File.AppendAllText(_corporateFile, _caPem);
        var changed = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile })["SSL_CERT_FILE"];

        Assert.NotEqual(first, changed);
        Assert.Equal(_corporatePem + _caPem, File.ReadAllText(first));
        Assert.Equal(_corporatePem + _caPem + _caPem, File.ReadAllText(changed));
        Assert.Equal(2, MergedFiles().Length);
    }

    /// <summary>
    /// A later shell finds the merge it needs by the source's path, length and write time and reads neither file: a
    /// source rewritten behind its back with the same length and time (here: no certificate at all) is not read again.
    /// </summary>
    [Fact]
    public void A_merge_already_made_for_the_same_source_is_used_without_reading_the_source()
    {
        var first = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile, ["NODE_EXTRA_CA_CERTS"] = _corporateFile });
        var written = File.GetLastWriteTimeUtc(_corporateFile);
        File.WriteAllText(_corporateFile, new string('x', _corporatePem.Length));
        File.SetLastWriteTimeUtc(_corporateFile, written);

        var again = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile, ["NODE_EXTRA_CA_CERTS"] = _corporateFile });

        var merged = Assert.Single(MergedFiles());
        Assert.Equal(merged, first["SSL_CERT_FILE"]);
        Assert.Equal(merged, first["NODE_EXTRA_CA_CERTS"]);
        Assert.Equal(first, again);
        Assert.Equal(_corporatePem + _caPem, File.ReadAllText(merged));
        Assert.Empty(_warnings);

        File.SetLastWriteTimeUtc(_corporateFile, written.AddSeconds(1));
        var changed = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile });
        Assert.Equal(_bundlePath, changed["SSL_CERT_FILE"]);
        Assert.Contains("holds no PEM certificate", Assert.Single(_warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_user_file_warns_once_and_falls_back_to_the_default()
    {
        var missing = Path.Combine(_root, "gone.pem");

        var variables = Compute(new() { ["SSL_CERT_FILE"] = missing, ["NODE_EXTRA_CA_CERTS"] = missing });

        foreach (var name in new[] { "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "CODEX_CA_CERTIFICATE" })
        {
            Assert.Equal(_bundlePath, variables[name]);
        }

        Assert.Equal(_caPath, variables["NODE_EXTRA_CA_CERTS"]);
        Assert.Empty(MergedFiles());
        Assert.Equal(2, _warnings.Count);
        Assert.StartsWith($"NODE_EXTRA_CA_CERTS names '{missing}', which Tokentap cannot merge with its CA (", _warnings[0], StringComparison.Ordinal);
        Assert.EndsWith("This session uses Tokentap's default instead (the Tokentap CA), so the certificates in that file are not trusted while Tokentap runs.", _warnings[0], StringComparison.Ordinal);
        Assert.StartsWith($"SSL_CERT_FILE names '{missing}', which Tokentap cannot merge with its CA (", _warnings[1], StringComparison.Ordinal);
        Assert.EndsWith("(system roots plus the Tokentap CA), so the certificates in that file are not trusted while Tokentap runs.", _warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_file_without_a_PEM_certificate_warns_and_falls_back()
    {
        var der = Path.Combine(_root, "corporate.der");
        File.WriteAllBytes(der, new byte[] { 0x30, 0x82, 0x01, 0x0a });

        var variables = Compute(new() { ["CURL_CA_BUNDLE"] = der });

        Assert.Equal(_bundlePath, variables["CURL_CA_BUNDLE"]);
        Assert.Equal(_bundlePath, variables["REQUESTS_CA_BUNDLE"]);
        Assert.Empty(MergedFiles());
        var warning = Assert.Single(_warnings);
        Assert.Contains("holds no PEM certificate", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_that_already_are_Tokentap_files_are_kept_as_they_are()
    {
        var merged = Compute(new() { ["SSL_CERT_FILE"] = _corporateFile })["SSL_CERT_FILE"];

        // Get-TokentapEnvironment after Start-Tokentap, or a nested shell: the variables already hold Tokentap's files.
        var variables = Compute(new() { ["SSL_CERT_FILE"] = merged, ["CURL_CA_BUNDLE"] = _bundlePath, ["NODE_EXTRA_CA_CERTS"] = _caPath });

        Assert.Equal(merged, variables["SSL_CERT_FILE"]);
        Assert.Equal(merged, variables["CODEX_CA_CERTIFICATE"]);
        Assert.Equal(_bundlePath, variables["CURL_CA_BUNDLE"]);
        Assert.Equal(_bundlePath, variables["REQUESTS_CA_BUNDLE"]);
        Assert.Equal(_caPath, variables["NODE_EXTRA_CA_CERTS"]);
        Assert.Single(MergedFiles());
        Assert.Empty(_warnings);
    }
}
