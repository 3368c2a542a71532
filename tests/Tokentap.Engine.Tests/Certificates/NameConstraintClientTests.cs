// Real TLS clients refuse a leaf the Tokentap CA signed for a host outside its name constraints.
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Certificates;

public sealed class NameConstraintClientTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokentap-nc-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private CertificateAuthority _ca = null!;

    public Task InitializeAsync()
    {
        _ca = CertificateAuthority.Open(_directory, InterceptHostList.DefaultPatterns).Authority;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("api.anthropic.com", 0)]
    [InlineData("sub.api.openai.com", 0)]
    [InlineData("evil.example.com", 60)]
    [InlineData("evil.com", 60)]
    public async Task Curl_accepts_a_permitted_leaf_and_rejects_one_outside_the_constraints(string host, int expectedExit)
    {
        using var leaf = _ca.IssueLeaf(host);
        await using var server = await MockUpstream.StartAsync(leaf);
        server.Map("GET", "/", MockResponses.Json("{\"served\":true}"));

        var (exitCode, output, error) = await CurlProcess.RunAsync(
            new Dictionary<string, string>(),
            "--cacert", _ca.CertificatePath, "--resolve", $"{host}:{server.Port}:127.0.0.1", $"https://{host}:{server.Port}/");

        Assert.True(exitCode == expectedExit, $"curl exited {exitCode}: {error}");
        if (expectedExit == 0)
        {
            Assert.Equal("{\"served\":true}", output);
        }
        else
        {
            Assert.Contains("subtree", error, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task SslStream_rejects_a_leaf_outside_the_constraints_even_with_the_ca_trusted()
    {
        using var leaf = _ca.IssueLeaf("evil.example.com");
        await using var server = await MockUpstream.StartAsync(leaf);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port);
        await using var ssl = new SslStream(tcp.GetStream());
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(_ca.Certificate);
        X509ChainStatusFlags status = X509ChainStatusFlags.NoError;

        await Assert.ThrowsAsync<AuthenticationException>(() => ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "evil.example.com",
            CertificateChainPolicy = policy,
            RemoteCertificateValidationCallback = (_, _, chain, errors) =>
            {
                status = chain!.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
                return errors == SslPolicyErrors.None;
            },
        }));

        Assert.True(status.HasFlag(X509ChainStatusFlags.HasNotPermittedNameConstraint), $"chain status: {status}");
    }
}
