// Start-Tokentap keeps the trust a user set up: a corporate CA in SSL_CERT_FILE still works through the proxy's tunnel.
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class UserTrustTests(ModuleFixture module)
{
    private static readonly string[] TrustNames = { "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "CODEX_CA_CERTIFICATE", "NODE_EXTRA_CA_CERTS" };

    [Fact]
    public async Task Curl_trusting_a_corporate_CA_through_SSL_CERT_FILE_still_reaches_a_tunnelled_host_and_Stop_restores_it()
    {
        using var corporate = new TestCertificateAuthority("Corporate Test Root");
        await using var intranet = await MockUpstream.StartAsync(corporate.IssueServerCertificate(new[] { "localhost" }));
        intranet.Map("GET", "/hello", MockResponses.Json("""{"from":"intranet"}"""));
        var before = TrustNames.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        foreach (var name in TrustNames)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        Environment.SetEnvironmentVariable("SSL_CERT_FILE", corporate.PemPath);
        try
        {
            var start = module.Run("Start-Tokentap -Port 0 -Session $args[0] -PassThru", "user-trust-" + Guid.NewGuid().ToString("N")[..8]);
            var status = start.Single<TokentapStatus>();
            Assert.Empty(start.Warnings);

            var bundle = Environment.GetEnvironmentVariable("SSL_CERT_FILE")!;
            Assert.StartsWith(Path.Combine(module.Home, "ca", "merged-"), bundle, StringComparison.Ordinal);
            Assert.Equal(bundle, Environment.GetEnvironmentVariable("CURL_CA_BUNDLE"));
            Assert.Equal(bundle, Environment.GetEnvironmentVariable("CODEX_CA_CERTIFICATE"));
            Assert.Equal(status.BundlePath, Environment.GetEnvironmentVariable("REQUESTS_CA_BUNDLE"));
            Assert.Equal(status.CaCertificatePath, Environment.GetEnvironmentVariable("NODE_EXTRA_CA_CERTS"));
            var corporatePem = File.ReadAllText(corporate.PemPath).TrimEnd('\n') + "\n";
            var tokentapPem = File.ReadAllText(status.CaCertificatePath!);
            Assert.Equal(corporatePem + tokentapPem, File.ReadAllText(bundle));

            // 127.0.0.1 is not intercepted: the proxy tunnels the bytes and curl checks the intranet's certificate
            // against the merged bundle. --noproxy '' overrides the NO_PROXY entry for loopback that Start-Tokentap set.
            var result = ChildProcess.Run("curl", new[] { "-sS", "--noproxy", "", "-x", status.ProxyUrl!, "-v", $"https://localhost:{intranet.Port}/hello" });
            Assert.True(result.ExitCode == 0, $"curl failed ({result.ExitCode}): {result.Stderr}");
            Assert.Equal("""{"from":"intranet"}""", result.Stdout);
            Assert.Contains($"CONNECT localhost:{intranet.Port}", result.Stderr, StringComparison.Ordinal);
            Assert.Single(intranet.Requests);

            module.Run("Stop-Tokentap").ThrowIfFailed();
            Assert.Equal(corporate.PemPath, Environment.GetEnvironmentVariable("SSL_CERT_FILE"));
            foreach (var name in TrustNames.Where(n => n != "SSL_CERT_FILE"))
            {
                Assert.Null(Environment.GetEnvironmentVariable(name));
            }
        }
        finally
        {
            module.Run("if ((Get-Tokentap).Running) { $null = Stop-Tokentap }");
            foreach (var (name, value) in before)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            File.Delete(corporate.PemPath);
        }
    }

    [Fact]
    public void A_missing_NODE_EXTRA_CA_CERTS_file_warns_and_the_session_trusts_the_Tokentap_CA()
    {
        var before = Environment.GetEnvironmentVariable("NODE_EXTRA_CA_CERTS");
        var missing = Path.Combine(module.Home, "no-such-corporate.pem");
        Environment.SetEnvironmentVariable("NODE_EXTRA_CA_CERTS", missing);
        try
        {
            var start = module.Run("Start-Tokentap -Port 0 -PassThru");
            var status = start.Single<TokentapStatus>();

            var warning = Assert.Single(start.Warnings);
            Assert.StartsWith($"NODE_EXTRA_CA_CERTS names '{missing}', which Tokentap cannot merge with its CA (", warning, StringComparison.Ordinal);
            Assert.Equal(status.CaCertificatePath, Environment.GetEnvironmentVariable("NODE_EXTRA_CA_CERTS"));
            module.Run("Stop-Tokentap").ThrowIfFailed();
            Assert.Equal(missing, Environment.GetEnvironmentVariable("NODE_EXTRA_CA_CERTS"));
        }
        finally
        {
            module.Run("if ((Get-Tokentap).Running) { $null = Stop-Tokentap }");
            Environment.SetEnvironmentVariable("NODE_EXTRA_CA_CERTS", before);
        }
    }
}
