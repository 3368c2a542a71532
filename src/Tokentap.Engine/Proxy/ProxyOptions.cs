// Everything a proxy listener is started with.
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Clients;

namespace Tokentap.Engine.Proxy;

/// <summary>The settings of one <see cref="ProxyServer"/>. Several listeners may share one CA and one observer.</summary>
public sealed record ProxyOptions
{
    /// <summary>The default upstream response-headers timeout: generous, because a model may think before it answers.</summary>
    public static readonly TimeSpan DefaultUpstreamResponseHeadersTimeout = TimeSpan.FromSeconds(300);

    /// <summary>The signing CA for intercepted hosts (only its leaves are used); it must cover every intercept pattern.</summary>
    public required ILeafCertificateSource CertificateAuthority { get; init; }

    /// <summary>Receives the exchanges on intercepted hosts; null leaves traffic unobserved.</summary>
    public IExchangeObserver? Observer { get; init; }

    /// <summary>
    /// Gates asked, in order, before each observed request is forwarded; the first refusal is answered instead (see
    /// <see cref="IRequestGate"/>). Empty: everything passes.
    /// </summary>
    public IReadOnlyList<IRequestGate> Gates { get; init; } = [];

    /// <summary>The loopback port to listen on; 0 picks a free one (see <see cref="ProxyServer.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>Also listen on [::1] with the same port when IPv6 loopback is available.</summary>
    public bool ListenOnIPv6Loopback { get; init; } = true;

    /// <summary>Hosts whose CONNECT tunnels are decrypted and observed; everything else is tunnelled blind.</summary>
    public InterceptHostList InterceptHosts { get; init; } = InterceptHostList.Default;

    /// <summary>
    /// Upstream replacements: host -> base URI (api.anthropic.com -> https://127.0.0.1:9443/prefix). Scheme, host,
    /// port and base path of the target are replaced; observers still see the real host. Keys are case-insensitive.
    /// </summary>
    public IReadOnlyDictionary<string, Uri> UpstreamOverrides { get; init; } = new Dictionary<string, Uri>();

    /// <summary>
    /// A proxy to send upstream traffic through (forwarded requests and blind tunnels), e.g. the HTTPS_PROXY the user
    /// had before Tokentap started. The environment is never read for this: the module points HTTPS_PROXY at Tokentap.
    /// </summary>
    public Uri? UpstreamProxy { get; init; }

    /// <summary>A PEM file with extra root certificates trusted for upstream connections, beside the system roots.</summary>
    public string? ExtraTrustedRootsPemPath { get; init; }

    /// <summary>
    /// Roots trusted for upstream certificates instead of <see cref="ExtraTrustedRootsPemPath"/> and the system's: only
    /// the start's warm-up sets it, for its own proxy and its own throwaway upstream (Hosting/EndToEndWarmUp).
    /// </summary>
    internal System.Security.Cryptography.X509Certificates.X509Certificate2Collection? UpstreamTrustedRoots { get; init; }

    /// <summary>How long to wait for an upstream's response headers before answering 504.</summary>
    public TimeSpan UpstreamResponseHeadersTimeout { get; init; } = DefaultUpstreamResponseHeadersTimeout;

    /// <summary>
    /// How long a client may take to send a whole request head: the first on a connection (or in a CONNECT tunnel),
    /// and each next one on an idle keep-alive connection. Past it the connection is closed without an answer or an
    /// event, so half-sent heads (slowloris) cannot hold connections open. Generous: real clients send a head at once.
    /// </summary>
    public TimeSpan RequestHeadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for an upstream TCP (and proxy) connection.</summary>
    public TimeSpan UpstreamConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attribution attached to every exchange this listener serves.</summary>
    public ExchangeTags Tags { get; init; } = ExchangeTags.None;

    /// <summary>Finds each connection's client process (once, at its first observed request); null turns that off.</summary>
    public IClientProcessResolver? ClientProcesses { get; init; } = ClientProcessResolver.ForCurrentPlatform();

    /// <summary>The largest request body accepted (bodies are read whole before forwarding); more is answered 413.</summary>
    public int MaxRequestBodyBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>How long stopping waits for in-flight exchanges before cutting them.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many undelivered response bytes one exchange's tap may lag behind before it stops being fed.</summary>
    public int ObserverBacklogBytes { get; init; } = 8 * 1024 * 1024;
}
