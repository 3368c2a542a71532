// One accepted client connection: reads requests and routes them (CONNECT, plain proxy, base URL, decrypted tunnel).
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Tokentap.Engine.Clients;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// Serves one client socket until it closes. CONNECT to an intercepted host is answered 200 and then decrypted with a
/// leaf from the Tokentap CA (or served as plain HTTP when the client does not start TLS, as Gemini CLI does for
/// http:// targets); CONNECT to any other host becomes a blind tunnel. Never throws: failures are recorded.
/// </summary>
internal sealed class ClientConnection
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ClientRejectionWindow = TimeSpan.FromSeconds(2);
    private const byte TlsHandshakeRecord = 0x16;

    private readonly ProxyContext _context;
    private readonly Socket _socket;
    private readonly ExchangeForwarder _forwarder;
    private readonly ClientProcessLookup _clientProcess;

    public ClientConnection(ProxyContext context, Socket socket)
    {
        _context = context;
        _socket = socket;
        _clientProcess = new ClientProcessLookup(
            context.Options.ClientProcesses,
            socket,
            ex => context.Statistics.Record(ProxyFailureKind.Internal, $"finding the client process failed: {ex.GetType().Name}: {ex.Message}"));
        _forwarder = new ExchangeForwarder(context, _clientProcess);
    }

    /// <summary>Serves the connection to its end.</summary>
    public async Task RunAsync()
    {
        _context.Statistics.ConnectionOpened();
        try
        {
            await using var stream = new NetworkStream(_socket, ownsSocket: true);
            using var input = new ClientInput(stream);
            await ServeAsync(stream, input, tunnel: null).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionEnd(ex))
        {
            // The client or the proxy closed the connection; nothing is lost that was not already recorded.
        }
        catch (Exception ex)
        {
            _context.Statistics.Record(ProxyFailureKind.Internal, $"connection failed: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            _context.Statistics.ConnectionClosed();
        }
    }

    private async Task ServeAsync(Stream stream, ClientInput input, ExchangeTarget? tunnel)
    {
        while (!_context.IsStopping)
        {
            HttpRequestHead? head;
            HttpParseError error;
            using (var deadline = HeadDeadline())
            {
                (head, error) = await input.ReadRequestHeadAsync(deadline.Token).ConfigureAwait(false);
            }

            var startedTimestamp = Stopwatch.GetTimestamp();
            var startedUtc = DateTime.UtcNow;
            if (error.IsError)
            {
                if (head is not null && (tunnel is null ? Route(head) : TunnelRequestTarget(tunnel, head)) is { Observed: true } refused)
                {
                    _forwarder.RecordRefusal(head, refused, error, startedTimestamp, startedUtc);
                }

                var where = tunnel is null ? string.Empty : $" in the tunnel to {tunnel.Authority}";
                _context.Statistics.Record(ProxyFailureKind.MalformedRequest, $"refused a request{where}: {error.StatusCode} {error.Message}");
                await ProxyResponses.TryWriteErrorAsync(stream, error.StatusCode, error.Message, close: true, _context.Abort).ConfigureAwait(false);
                return;
            }

            if (head is null)
            {
                return;
            }

            if (head.IsConnect)
            {
                if (tunnel is not null)
                {
                    await RefuseAsync(stream, 400, "CONNECT inside a tunnel is not supported").ConfigureAwait(false);
                    return;
                }

                await HandleConnectAsync(stream, input, head).ConfigureAwait(false);
                return;
            }

            var target = tunnel is null ? Route(head) : TunnelRequestTarget(tunnel, head);
            if (target is null)
            {
                await RefuseAsync(stream, 400, $"unsupported request target form: {Truncate(head.Target)}").ConfigureAwait(false);
                return;
            }

            if (target.Route == ProxyRoute.BaseUrl && target.Host.Length == 0)
            {
                // No base-URL route matched: a short help text; a request body left unread means the connection must close.
                var close = head.BodyFraming != RequestBodyFraming.None || !head.KeepAlive;
                await ProxyResponses.TryWriteErrorAsync(stream, 404, BaseUrlRoutes.HelpText(_context.Port).TrimEnd(), close, _context.Abort).ConfigureAwait(false);
                if (close)
                {
                    return;
                }

                continue;
            }

            if (!await _forwarder.ForwardAsync(stream, input, head, target, startedTimestamp, startedUtc).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Resolves a request on the outer connection: absolute-form (plain proxy) or origin-form (base URL; an unknown
    /// prefix gives a target with an empty host, answered with help). Null for any other target form.
    /// </summary>
    private ExchangeTarget? Route(HttpRequestHead head)
    {
        if (head.Target.StartsWith('/'))
        {
            if (BaseUrlRoutes.TryMap(head.Target, out var host, out var pathAndQuery))
            {
                return new ExchangeTarget("https", host, 443, pathAndQuery, ProxyRoute.BaseUrl, Observed: true);
            }

            return new ExchangeTarget("https", string.Empty, 0, head.Target, ProxyRoute.BaseUrl, Observed: false);
        }

        if (Uri.TryCreate(head.Target, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.IdnHost.Length > 0)
        {
            var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.IdnHost.Trim('[', ']') : uri.IdnHost;
            var observed = _context.Options.InterceptHosts.Matches(host);
            return new ExchangeTarget(uri.Scheme, host, uri.Port, uri.PathAndQuery, ProxyRoute.PlainHttp, observed);
        }

        return null;
    }

    /// <summary>Inside a tunnel the destination is the CONNECT target, whatever Host or target form the request uses.</summary>
    private static ExchangeTarget TunnelRequestTarget(ExchangeTarget tunnel, HttpRequestHead head)
    {
        var pathAndQuery = head.Target;
        if (!pathAndQuery.StartsWith('/') && Uri.TryCreate(pathAndQuery, UriKind.Absolute, out var uri))
        {
            pathAndQuery = uri.PathAndQuery;
        }
        else if (pathAndQuery == "*")
        {
            pathAndQuery = "/";
        }

        return tunnel with { PathAndQuery = pathAndQuery };
    }

    private async Task HandleConnectAsync(Stream stream, ClientInput input, HttpRequestHead head)
    {
        if (!Http1Parser.TryParseAuthority(head.Target, 443, out var host, out var port))
        {
            await RefuseAsync(stream, 400, $"malformed CONNECT target: {Truncate(head.Target)}").ConfigureAwait(false);
            return;
        }

        if (_context.Options.InterceptHosts.Matches(host))
        {
            await InterceptAsync(stream, input, host.TrimEnd('.').ToLowerInvariant(), port).ConfigureAwait(false);
        }
        else
        {
            await TunnelAsync(stream, input, host, port).ConfigureAwait(false);
        }
    }

    private async Task InterceptAsync(Stream stream, ClientInput input, string host, int port)
    {
        var statistics = _context.Statistics;
        statistics.InterceptedTunnelOpened();
        await stream.WriteAsync(ProxyResponses.ConnectEstablished, _context.Stopping).ConfigureAwait(false);

        // Every request in this tunnel is observed: look the client process up while the TLS handshake and the first
        // request are under way (on a thread of its own), not after, when the request would wait for it.
        _ = _clientProcess.GetAsync();
        using (var deadline = HeadDeadline())
        {
            if (!await input.EnsureBufferedAsync(deadline.Token).ConfigureAwait(false))
            {
                return;
            }
        }

        if (input.Buffered[0] != TlsHandshakeRecord)
        {
            await ServeAsync(stream, input, new ExchangeTarget("http", host, port, "/", ProxyRoute.Connect, Observed: true)).ConfigureAwait(false);
            return;
        }

        var prefix = input.Buffered.ToArray();
        input.Consume(prefix.Length);
        await using var ssl = new SslStream(new PrefixedStream(prefix, stream, ownsInner: false), leaveInnerStreamOpen: false);
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_context.Stopping))
        {
            handshake.CancelAfter(HandshakeTimeout);
            try
            {
                var options = new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _context.Options.CertificateAuthority.GetServerContext(host),
                    ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 },
                    ClientCertificateRequired = false,
                    CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                };
                await ssl.AuthenticateAsServerAsync(options, handshake.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
            {
                if (!_context.IsStopping)
                {
                    statistics.Record(
                        ProxyFailureKind.ClientTls,
                        $"TLS handshake with the client for {host} failed ({ex.Message}); does the client trust the Tokentap CA?");
                }

                return;
            }
        }

        using var innerInput = new ClientInput(ssl);
        var handshakeDone = Stopwatch.GetTimestamp();
        string? rejection = null;
        try
        {
            await ServeAsync(ssl, innerInput, new ExchangeTarget("https", host, port, "/", ProxyRoute.Connect, Observed: true)).ConfigureAwait(false);
        }
        catch (Exception ex) when (innerInput.BytesReceived == 0 && ex is AuthenticationException or IOException)
        {
            rejection = ex.Message;
        }

        // With TLS 1.3 the server side of the handshake ends before the client checks the certificate, so a client that
        // does not trust the leaf shows up afterwards: its alert breaks the first read, or (.NET clients) it just closes
        // at once without a request. An unused connection closed later is not counted.
        if (innerInput.BytesReceived == 0 && !_context.IsStopping
            && (rejection is not null || Stopwatch.GetElapsedTime(handshakeDone) < ClientRejectionWindow))
        {
            statistics.Record(
                ProxyFailureKind.ClientTls,
                $"the client closed the TLS connection for {host} right after the handshake without a request{(rejection is null ? string.Empty : $" ({rejection})")}; does the client trust the Tokentap CA?");
        }
    }

    private async Task TunnelAsync(Stream stream, ClientInput input, string host, int port)
    {
        var statistics = _context.Statistics;
        Stream upstream;
        byte[] leftover;
        try
        {
            (upstream, leftover) = await _context.Upstream.OpenTunnelAsync(host, port, _context.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or AuthenticationException)
        {
            if (_context.IsStopping)
            {
                return;
            }

            var reason = ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connection refused"
                : ex is OperationCanceledException ? "connection timed out"
                : ex.Message;
            var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
            statistics.Record(ProxyFailureKind.Tunnel, $"CONNECT {authority}: {reason}");
            await ProxyResponses.TryWriteErrorAsync(stream, 502, $"could not reach {authority}: {reason}", close: true, _context.Abort).ConfigureAwait(false);
            return;
        }

        await using (upstream)
        {
            statistics.TunnelOpened();
            await stream.WriteAsync(ProxyResponses.ConnectEstablished, _context.Stopping).ConfigureAwait(false);
            if (leftover.Length > 0)
            {
                await stream.WriteAsync(leftover, _context.Stopping).ConfigureAwait(false);
            }

            if (input.BufferedCount > 0)
            {
                await upstream.WriteAsync(input.BufferedMemory, _context.Stopping).ConfigureAwait(false);
                input.Consume(input.BufferedCount);
            }

            // Blind tunnels carry nothing observed, so stopping cuts them at once instead of waiting out the grace period.
            await BidirectionalRelay.RunAsync(stream, upstream, tap: null, _context.Stopping).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stopping, or the request-head deadline: a client that does not finish a head in time is cut by the cancelled
    /// read (an <see cref="OperationCanceledException"/> that ends the connection quietly, with no event).
    /// </summary>
    private CancellationTokenSource HeadDeadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(_context.Stopping);
        deadline.CancelAfter(_context.Options.RequestHeadTimeout);
        return deadline;
    }

    private async Task RefuseAsync(Stream stream, int status, string message)
    {
        _context.Statistics.Record(ProxyFailureKind.MalformedRequest, $"refused a request: {status} {message}");
        await ProxyResponses.TryWriteErrorAsync(stream, status, message, close: true, _context.Abort).ConfigureAwait(false);
    }

    private static string Truncate(string text) => text.Length > 100 ? text[..100] + "..." : text;

    private static bool IsConnectionEnd(Exception ex) =>
        ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException or AuthenticationException;
}
