// The proxy listener: binds loopback only, accepts connections, and stops cleanly (drain, then cut, then release).
using System.Net;
using System.Net.Sockets;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// An HTTP/HTTPS forward proxy on 127.0.0.1 (and [::1] on the same port when available), never on any other
/// interface. It serves HTTPS_PROXY clients (CONNECT), base-URL clients (/anthropic, /openai, /gemini) and plain
/// http:// proxy requests, and hands exchanges on intercepted hosts to the observer. Everything runs on async
/// sockets; no thread of its own. Several servers may run at once sharing one CA and one observer.
/// </summary>
public sealed class ProxyServer : IAsyncDisposable
{
    private static readonly TimeSpan CutWait = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly TaskSet _connections = new();
    private readonly List<Socket> _listeners = new();
    private readonly List<Task> _acceptLoops = new();
    private ProxyContext? _context;
    private Task? _stopTask;

    public ProxyServer(ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);
        Options = options;
    }

    public ProxyOptions Options { get; }

    /// <summary>The bound port (0 until started).</summary>
    public int Port { get; private set; }

    /// <summary>The addresses listened on (127.0.0.1, and [::1] when it could be bound).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; private set; } = Array.Empty<IPEndPoint>();

    /// <summary>True between a successful start and the beginning of a stop.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>The proxy's address for HTTPS_PROXY and base URLs.</summary>
    public Uri ProxyUri => new($"http://127.0.0.1:{Port}");

    /// <summary>Counters and recent failures.</summary>
    public ProxyStatistics Statistics { get; } = new();

    /// <summary>True once a forwarded request (or the start's warm-up) made the upstream HTTP client.</summary>
    internal bool UpstreamClientCreated => _context?.Upstream.IsClientCreated ?? false;

    /// <summary>
    /// Warms the upstream certificate check (<see cref="UpstreamClient.WarmCertificateCheck"/>) with
    /// <paramref name="certificate"/>; does nothing before a start. For the start's warm-up.
    /// </summary>
    internal void WarmUpstreamCertificateCheck(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        _context?.Upstream.WarmCertificateCheck(certificate);

    /// <summary>
    /// Binds and starts accepting, then returns at once (connections are served on background work). Throws when the
    /// port is taken on 127.0.0.1, or when the CA does not permit every intercept pattern (open the CA with the same
    /// list first).
    /// </summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_context is not null)
            {
                throw new InvalidOperationException("The proxy was already started; create a new ProxyServer to start again.");
            }

            var uncovered = Options.InterceptHosts.Patterns.Where(p => !Options.CertificateAuthority.Covers(p)).ToList();
            if (uncovered.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The Tokentap certificate authority does not permit {string.Join(", ", uncovered)}; open it with the full intercept list first.");
            }

            var context = new ProxyContext(Options, Statistics);
            var endpoints = new List<IPEndPoint>();
            try
            {
                var v4 = Bind(new IPEndPoint(IPAddress.Loopback, Options.Port));
                _listeners.Add(v4);
                var port = ((IPEndPoint)v4.LocalEndPoint!).Port;
                endpoints.Add(new IPEndPoint(IPAddress.Loopback, port));
                if (Options.ListenOnIPv6Loopback && Socket.OSSupportsIPv6)
                {
                    try
                    {
                        _listeners.Add(Bind(new IPEndPoint(IPAddress.IPv6Loopback, port)));
                        endpoints.Add(new IPEndPoint(IPAddress.IPv6Loopback, port));
                    }
                    catch (SocketException)
                    {
                        // No IPv6 loopback here, or the port is taken on it: IPv4 alone still serves every client.
                    }
                }

                Port = port;
                context.Port = port;
            }
            catch
            {
                foreach (var listener in _listeners)
                {
                    listener.Dispose();
                }

                _listeners.Clear();
                context.Dispose();
                throw;
            }

            _context = context;
            Endpoints = endpoints;
            IsRunning = true;
            foreach (var listener in _listeners)
            {
                _acceptLoops.Add(AcceptLoopAsync(listener, context));
            }
        }
    }

    /// <summary>
    /// Stops: no new connections or requests; in-flight exchanges get <paramref name="gracePeriod"/> (default
    /// <see cref="ProxyOptions.StopGracePeriod"/>) to finish, then are cut (their taps still get OnCompleted); blind
    /// tunnels and idle connections close at once; sockets are released. Safe to call more than once.
    /// </summary>
    public Task StopAsync(TimeSpan? gracePeriod = null)
    {
        lock (_gate)
        {
            if (_context is null)
            {
                return Task.CompletedTask;
            }

            return _stopTask ??= StopCoreAsync(_context, gracePeriod ?? Options.StopGracePeriod);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static Socket Bind(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(endpoint);
            socket.Listen(512);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync(Socket listener, ProxyContext context)
    {
        using var acceptor = new ListenerAcceptor(listener);
        try
        {
            while (!context.IsStopping)
            {
                if (await acceptor.AcceptAsync().ConfigureAwait(false) is not { } client)
                {
                    if (context.IsStopping)
                    {
                        // The stop closed the listener.
                        return;
                    }

                    // Out of descriptors and the like: record, pause briefly so the loop does not spin, keep serving.
                    context.Statistics.Record(ProxyFailureKind.Internal, $"accept failed: {acceptor.LastError}: {new SocketException((int)acceptor.LastError).Message}");
                    await Task.Delay(50, context.Stopping).ConfigureAwait(false);
                    continue;
                }

                client.NoDelay = true;
                var connection = new ClientConnection(context, client);
                _connections.Add(Task.Run(connection.RunAsync));
            }
        }
        catch (OperationCanceledException) when (context.IsStopping)
        {
            // Stopping while paused after a failed accept.
        }
        catch (Exception ex)
        {
            context.Statistics.Record(ProxyFailureKind.Internal, $"the accept loop failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task StopCoreAsync(ProxyContext context, TimeSpan gracePeriod)
    {
        IsRunning = false;
        context.BeginStopping();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);

        // In-flight exchanges may finish within the grace period; then everything left is cut.
        if (!await WaitAsync(_connections.Running, gracePeriod).ConfigureAwait(false))
        {
            context.AbortAll();
            if (!await WaitAsync(_connections.Running, CutWait).ConfigureAwait(false))
            {
                Statistics.Record(ProxyFailureKind.Internal, $"{_connections.Count} connection(s) did not end within {CutWait.TotalSeconds:0} s of being cut");
            }
        }
        else
        {
            context.AbortAll();
        }

        // Taps get their completions; a tap that is still busy after the grace period is left to finish on its own.
        if (!await WaitAsync(context.BackgroundTasks, gracePeriod > TimeSpan.Zero ? gracePeriod : CutWait).ConfigureAwait(false))
        {
            Statistics.Record(ProxyFailureKind.ObserverException, "an observer was still busy when the proxy stopped");
        }

        _listeners.Clear();
        context.Dispose();
    }

    private static async Task<bool> WaitAsync(Task[] snapshot, TimeSpan timeout)
    {
        if (snapshot.Length == 0)
        {
            return true;
        }

        try
        {
            await Task.WhenAll(snapshot).WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
