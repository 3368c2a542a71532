// HttpClients for tests that go through a proxy explicitly and trust only the roots a test names.
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Tokentap.Testing;

/// <summary>
/// Builds clients that never read the process environment (no HTTPS_PROXY, no system trust): the proxy is an
/// explicit <see cref="WebProxy"/>, and server certificates are validated against the given roots only.
/// </summary>
public static class TestClients
{
    /// <summary>
    /// A client through <paramref name="proxy"/> (or direct when null) trusting exactly <paramref name="trustedRoots"/>.
    /// <paramref name="onServerCertificate"/> sees each server certificate the client validated.
    /// </summary>
    public static HttpClient Create(
        Uri? proxy,
        IEnumerable<X509Certificate2> trustedRoots,
        int maxConnectionsPerServer = int.MaxValue,
        Action<X509Certificate2>? onServerCertificate = null,
        TimeSpan? timeout = null)
    {
        var handler = CreateHandler(proxy, trustedRoots, maxConnectionsPerServer, onServerCertificate);
        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    /// <summary>The handler <see cref="Create"/> uses (for ClientWebSocket.ConnectAsync with an invoker).</summary>
    public static SocketsHttpHandler CreateHandler(
        Uri? proxy,
        IEnumerable<X509Certificate2> trustedRoots,
        int maxConnectionsPerServer = int.MaxValue,
        Action<X509Certificate2>? onServerCertificate = null)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(trustedRoots.ToArray());

        var handler = new SocketsHttpHandler
        {
            UseProxy = proxy is not null,
            Proxy = proxy is null ? null : new WebProxy(proxy) { BypassProxyOnLocal = false },
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = maxConnectionsPerServer,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        };
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            CertificateChainPolicy = policy,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is X509Certificate2 server)
                {
                    onServerCertificate?.Invoke(X509CertificateLoader.LoadCertificate(server.RawData));
                }

                return errors == SslPolicyErrors.None;
            },
        };
        return handler;
    }
}
