// The proxy's side towards the real hosts: pooled HTTP connections, strict certificate checks, overrides, proxy chaining.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// Sends forwarded requests through one pooled <see cref="SocketsHttpHandler"/> and opens blind tunnels. Certificates
/// are validated by the platform against the system roots (plus an optional extra root file, added by building the
/// chain with a custom trust store that holds both); the validation callback only records why a certificate failed,
/// it never accepts one the platform rejected.
/// </summary>
internal sealed class UpstreamClient : IDisposable
{
    private static readonly TimeSpan RejectionMemory = TimeSpan.FromMinutes(1);

    private readonly ProxyOptions _options;
    private readonly Lazy<HttpMessageInvoker> _client;
    // Reference-typed values: the framework's precompiled code serves the dictionary (a value tuple made the JIT compile
    // its constructor and members at every start).
    private readonly ConcurrentDictionary<string, Rejection> _rejections = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Uri> _overrides;
    private readonly X509Certificate2Collection? _customTrust;

    public UpstreamClient(ProxyOptions options)
    {
        _options = options;
        _overrides = new Dictionary<string, Uri>(options.UpstreamOverrides, StringComparer.OrdinalIgnoreCase);
        if (options.UpstreamTrustedRoots is { } roots)
        {
            _customTrust = roots;
        }
        else if (options.ExtraTrustedRootsPemPath is { } extraRoots)
        {
            _customTrust = LoadTrust(extraRoots);
        }

        // The HTTP client (System.Net.Http's first use in a shell: 8 to 10 ms) is made by the first forwarded request
        // or the start's warm-up, not by the start; the trust it checks with is read above, so a bad file still fails
        // the start.
        _client = new Lazy<HttpMessageInvoker>(CreateClient, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The pooled HTTP/1.1 and HTTP/2 client every forwarded request goes through.</summary>
    public HttpMessageInvoker Invoker => _client.Value;

    /// <summary>True once <see cref="Invoker"/> was first needed.</summary>
    internal bool IsClientCreated => _client.IsValueCreated;

    private HttpMessageInvoker CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            PreAuthenticate = false,
            ConnectTimeout = _options.UpstreamConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxResponseHeadersLength = 256,
            ResponseDrainTimeout = TimeSpan.FromSeconds(2),
        };

        // Never the default proxy: that reads HTTPS_PROXY, which the module points at this very proxy.
        if (_options.UpstreamProxy is { } upstreamProxy)
        {
            handler.UseProxy = true;
            handler.Proxy = new FixedWebProxy(upstreamProxy);
        }
        else
        {
            handler.UseProxy = false;
        }

        handler.SslOptions = CreateSslOptions(null);
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>
    /// The URI a request for <paramref name="host"/> goes to: the real host, or the override's scheme, host, port and
    /// base path with the request's path and query appended.
    /// </summary>
    public Uri ResolveTarget(string scheme, string host, int port, string pathAndQuery)
    {
        if (_overrides.TryGetValue(host, out var baseUri))
        {
            var basePath = baseUri.AbsolutePath.TrimEnd('/');
            var builder = new StringBuilder(baseUri.GetLeftPart(UriPartial.Authority)).Append(basePath);
            builder.Append(pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery);
            return new Uri(builder.ToString(), UriKind.Absolute);
        }

        var isDefaultPort = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
        var authority = host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;
        var text = isDefaultPort ? $"{scheme}://{authority}{pathAndQuery}" : $"{scheme}://{authority}:{port}{pathAndQuery}";
        return new Uri(text, UriKind.Absolute);
    }

    /// <summary>Takes the recorded reason the certificate of <paramref name="host"/> was rejected, if any is recent.</summary>
    public string? TakeCertificateRejection(string host)
    {
        if (_rejections.TryRemove(host, out var rejection) && DateTime.UtcNow - rejection.AtUtc < RejectionMemory)
        {
            return rejection.Reason;
        }

        return null;
    }

    /// <summary>
    /// Opens a raw TCP connection to host:port for a blind tunnel, through the upstream proxy (CONNECT) when one is set.
    /// Returns the stream and any bytes the proxy sent after its answer.
    /// </summary>
    public async Task<(Stream Stream, byte[] Leftover)> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.UpstreamConnectTimeout);
        var proxy = _options.UpstreamProxy;
        if (proxy is null)
        {
            return (await ConnectTcpAsync(host, port, timeout.Token).ConfigureAwait(false), Array.Empty<byte>());
        }

        Stream stream = await ConnectTcpAsync(proxy.IdnHost, proxy.Port, timeout.Token).ConfigureAwait(false);
        try
        {
            if (proxy.Scheme == Uri.UriSchemeHttps)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(CreateSslOptions(proxy.IdnHost), timeout.Token).ConfigureAwait(false);
            }

            var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
            var request = new StringBuilder()
                .Append("CONNECT ").Append(authority).Append(" HTTP/1.1\r\nHost: ").Append(authority).Append("\r\n");
            if (UpstreamProxyCredentials.BasicAuthorization(proxy) is { } authorization)
            {
                request.Append("Proxy-Authorization: ").Append(authorization).Append("\r\n");
            }

            request.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), timeout.Token).ConfigureAwait(false);

            var buffer = new byte[8192];
            var filled = 0;
            var scanFrom = 0;
            while (true)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException($"the upstream proxy {proxy.Authority} closed the connection before answering CONNECT");
                }

                filled += n;
                var end = Http1Parser.FindHeadEnd(buffer.AsSpan(0, filled), ref scanFrom);
                if (end < 0)
                {
                    if (filled == buffer.Length)
                    {
                        throw new IOException($"the upstream proxy {proxy.Authority} sent an oversized answer to CONNECT");
                    }

                    continue;
                }

                if (!Http1Parser.TryParseResponseHead(buffer.AsSpan(0, end), out var status, out var reason, out _))
                {
                    throw new IOException($"the upstream proxy {proxy.Authority} sent a malformed answer to CONNECT");
                }

                if (status is < 200 or > 299)
                {
                    throw new IOException($"the upstream proxy {proxy.Authority} refused CONNECT {authority}: {status} {reason}".TrimEnd());
                }

                return (stream, buffer.AsSpan(end, filled - end).ToArray());
            }
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }

        if (_customTrust is not null)
        {
            foreach (var certificate in _customTrust)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// Builds and discards a chain for <paramref name="certificate"/> under the policy upstream certificates are checked
    /// with (the system roots, or the custom trust store), as the first upstream handshake would: the start's warm-up
    /// calls it so that handshake does not load the trust store. Trusts nothing and records nothing.
    /// </summary>
    internal void WarmCertificateCheck(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy = CustomTrustPolicy() ?? new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck };
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        _ = chain.Build(certificate);
    }

    private static async Task<Stream> ConnectTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static X509Certificate2Collection LoadTrust(string extraRootsPemPath)
    {
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(extraRootsPemPath);
        if (trust.Count == 0)
        {
            throw new ArgumentException($"'{extraRootsPemPath}' holds no PEM certificate.", nameof(extraRootsPemPath));
        }

        trust.AddRange(Certificates.SystemRootCertificates.Load().ToArray());
        return trust;
    }

    private SslClientAuthenticationOptions CreateSslOptions(string? targetHost)
    {
        var ssl = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 },
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            EnabledSslProtocols = SslProtocols.None,
            RemoteCertificateValidationCallback = RecordRejection,
        };

        ssl.CertificateChainPolicy = CustomTrustPolicy();
        return ssl;
    }

    /// <summary>The chain policy of a custom trust store (only its roots, no revocation check); null for the system roots.</summary>
    private X509ChainPolicy? CustomTrustPolicy()
    {
        if (_customTrust is null)
        {
            return null;
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(_customTrust);
        return policy;
    }

    /// <summary>Accepts exactly what the platform accepted; for anything else remembers the reason for the 502 body.</summary>
    private bool RecordRejection(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var host = (sender as SslStream)?.TargetHostName ?? string.Empty;
        var reason = UpstreamCertificateCheck.Describe(errors, certificate, chain, host, DateTime.UtcNow);
        _rejections[host] = new Rejection(reason, DateTime.UtcNow);
        return false;
    }

    private sealed record Rejection(string Reason, DateTime AtUtc);
}
