// Shared setup for proxy integration tests: a test CA, the Tokentap CA, and an HTTPS mock upstream on 127.0.0.1.
using System.Security.Cryptography.X509Certificates;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

/// <summary>
/// One per test collection. Provider hosts are overridden to the mock upstream, whose certificate (from the test CA,
/// trusted through ExtraTrustedRootsPemPath) names them, localhost, tunnel.test and 127.0.0.1.
/// </summary>
public sealed class ProxyTestEnvironment : IAsyncLifetime
{
    public static readonly string[] UpstreamNames =
    {
        "api.anthropic.com", "api.openai.com", "generativelanguage.googleapis.com", "localhost", "tunnel.test",
    };

    public TestCertificateAuthority TestCa { get; } = new();

    public string TempDirectory { get; } = Path.Combine(Path.GetTempPath(), "tokentap-proxy-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public CertificateAuthority Ca { get; private set; } = null!;

    public X509Certificate2 UpstreamCertificate { get; private set; } = null!;

    public MockUpstream Upstream { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Ca = CertificateAuthority.Open(Path.Combine(TempDirectory, "ca"), InterceptHostList.DefaultPatterns).Authority;
        UpstreamCertificate = TestCa.IssueServerCertificate(UpstreamNames);
        Upstream = await MockUpstream.StartAsync(UpstreamCertificate);
    }

    public async Task DisposeAsync()
    {
        await Upstream.DisposeAsync();
        Ca.Dispose();
        UpstreamCertificate.Dispose();
        TestCa.Dispose();
        try
        {
            Directory.Delete(TempDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }

    /// <summary>Options with the provider hosts sent to <paramref name="upstream"/> (default: the shared mock).</summary>
    public ProxyOptions Options(IExchangeObserver? observer, MockUpstream? upstream = null)
    {
        var target = (upstream ?? Upstream).BaseUri;
        return new ProxyOptions
        {
            CertificateAuthority = Ca,
            Observer = observer,
            UpstreamOverrides = new Dictionary<string, Uri>
            {
                ["api.anthropic.com"] = target,
                ["api.openai.com"] = target,
                ["generativelanguage.googleapis.com"] = target,
            },
            ExtraTrustedRootsPemPath = TestCa.PemPath,
            UpstreamResponseHeadersTimeout = TimeSpan.FromSeconds(10),
            UpstreamConnectTimeout = TimeSpan.FromSeconds(5),
            StopGracePeriod = TimeSpan.FromSeconds(2),
        };
    }

    public static ProxyServer Start(ProxyOptions options)
    {
        var proxy = new ProxyServer(options);
        proxy.Start();
        return proxy;
    }

    /// <summary>An HttpClient through the proxy that trusts only the Tokentap CA (what a configured client does).</summary>
    public HttpClient Client(ProxyServer proxy, int maxConnectionsPerServer = int.MaxValue, Action<X509Certificate2>? onServerCertificate = null) =>
        TestClients.Create(proxy.ProxyUri, new[] { Ca.Certificate }, maxConnectionsPerServer, onServerCertificate);
}
