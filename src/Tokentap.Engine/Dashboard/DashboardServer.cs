// The dashboard's HTTP/1.1 server on loopback: access checks, the static page, the JSON API and the live feed.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tokentap.Engine.Content;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// A small server in this process (ASP.NET Core is not loaded by pwsh, and HttpListener adds nothing needed here):
/// a <see cref="TcpListener"/> on 127.0.0.1, one request per connection, GET and HEAD only. Every request passes the
/// Host check and then needs the token (exchanged once for a cookie, see <see cref="DashboardAccess"/>). Background
/// work (the accept loop, one task per connection) never lets an exception escape: failures are counted and the last
/// one kept in <see cref="LastFailure"/>. <see cref="Dispose"/> stops accepting, cancels open connections (live feeds
/// included) and waits for them.
/// </summary>
public sealed class DashboardServer : IDisposable
{
    public const int MaxConnections = 64;
    public static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private const string RequestsPrefix = "/api/requests/";
    private const string ContentSuffix = "/content";

    private readonly DashboardApi _api;
    private readonly DashboardFeed _feed;
    private readonly DashboardContent _content;
    private readonly TimeProvider _time;
    private readonly int _requestedPort;
    private readonly string? _fixedToken;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly HashSet<Task> _connections = new();
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private DashboardAccess? _access;
    private long _failures;
    private string? _lastFailure;
    private bool _disposed;

    /// <param name="port">The loopback port; 0 for any free port.</param>
    /// <param name="token">The access token; null for a new random one (tests pass their own).</param>
    /// <param name="captureOn">Whether content is captured now, for the page's note on a request without content; null: the persistent setting.</param>
    public DashboardServer(UsageStore store, PriceTable prices, TokentapPaths paths, Func<IReadOnlyList<TokenUsageBudgetGauge>>? budgets, int port, TimeProvider? time = null, string? token = null, Func<bool>? captureOn = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        _time = time ?? TimeProvider.System;
        var gauges = new SnapshotBuilder(store, prices, paths, new SnapshotOptions { Filter = UsageFilter.All, Window = TokenUsageWindow.Today, RecentRequests = 0, Budgets = budgets }, _time);
        var content = new DashboardContent(ContentStore.In(paths), captureOn ?? (() => CaptureSetting(paths)));
        _api = new DashboardApi(store, prices, gauges, content);
        _feed = new DashboardFeed(store, content);
        _content = content;
        _requestedPort = port;
        _fixedToken = token;
        StartedUtc = _time.GetUtcNow().UtcDateTime;
    }

    /// <summary>The port listened on (after <see cref="Start"/>).</summary>
    public int Port { get; private set; }

    /// <summary>The access token of this start.</summary>
    public string Token => Access.Token;

    /// <summary>The address to open: the page with the token, which the first request exchanges for a cookie.</summary>
    public string Url => $"http://127.0.0.1:{Port}/?{DashboardAccess.TokenParameter}={Token}";

    public DateTime StartedUtc { get; }

    /// <summary>Requests that failed inside the server (not refusals) since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The last failure inside the server, or null.</summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>The connections being served now (live feeds stay open).</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    private DashboardAccess Access => _access ?? throw new InvalidOperationException("The dashboard has not started.");

    /// <summary>Binds 127.0.0.1 and starts accepting; throws <see cref="SocketException"/> when the port is taken.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var listener = new TcpListener(IPAddress.Loopback, _requestedPort);
        listener.Start();
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _access = new DashboardAccess(Port, _fixedToken);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public void Dispose()
    {
        Task[] open;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            open = _connections.ToArray();
        }

        _stopping.Cancel();
        _listener?.Stop();
        try
        {
            Task.WaitAll([.. open, _acceptLoop ?? Task.CompletedTask], StopTimeout);
        }
        catch (AggregateException)
        {
            // Every task catches its own failures; cancellation surfacing here is the expected end.
        }

        _stopping.Dispose();
    }

    /// <summary>Answers one request head (everything but the live feed, which <see cref="HandleAsync"/> streams).</summary>
    internal DashboardResponse Answer(DashboardRequest request, out DashboardQuery? liveFeed)
    {
        liveFeed = null;
        if (!Access.IsAllowedHost(request.Header("Host")))
        {
            return DashboardResponse.Plain(421, "This dashboard answers only to 127.0.0.1, localhost or [::1] with its port in the Host header.");
        }

        if (request.Method is not ("GET" or "HEAD"))
        {
            return DashboardResponse.Plain(405, "The dashboard is read-only: GET and HEAD only.", new KeyValuePair<string, string>("Allow", "GET, HEAD"));
        }

        if (request.Query.TryGetValue(DashboardAccess.TokenParameter, out var token))
        {
            return Access.IsToken(token)
                ? DashboardResponse.Redirect(request.Path + request.QueryWithout(DashboardAccess.TokenParameter), Access.GrantCookie())
                : DashboardResponse.Plain(403, "The token is not this dashboard's. Open the address Show-TokenUsageDashboard printed.");
        }

        if (!Access.IsToken(Access.CookieToken(request.Header("Cookie"))))
        {
            return DashboardResponse.Plain(401, "Open the address Show-TokenUsageDashboard printed (it carries the token).");
        }

        if (DashboardAssets.Find(request.Path) is { } asset)
        {
            return asset;
        }

        if (!request.Path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return DashboardResponse.Plain(404, "Not found.");
        }

        if (request.Path.StartsWith(RequestsPrefix, StringComparison.Ordinal))
        {
            return OneRequest(request);
        }

        try
        {
            var query = DashboardQuery.Parse(request.Query, _time.GetUtcNow().UtcDateTime);
            switch (request.Path)
            {
                case "/api/overview": return DashboardResponse.JsonBody(_api.Overview(query));
                case "/api/series": return DashboardResponse.JsonBody(_api.Series(query, request.Query.GetValueOrDefault("step") ?? "day", request.Query.GetValueOrDefault("by") ?? "model"));
                case "/api/sessions": return DashboardResponse.JsonBody(_api.Sessions(query));
                case "/api/requests": return DashboardResponse.JsonBody(_api.Requests(query, int.TryParse(request.Query.GetValueOrDefault("limit"), out var limit) ? limit : 200));
                case "/api/models": return DashboardResponse.JsonBody(_api.Models(query));
                case "/api/live":
                    liveFeed = query;
                    return DashboardResponse.Plain(200, "");
                default: return DashboardResponse.Plain(404, "Not found.");
            }
        }
        catch (ArgumentException ex)
        {
            return Error(400, ex.Message);
        }
        catch (Exception ex) when (StoreFailure.Classify(ex) is not null)
        {
            return Error(503, "The usage store cannot be read now: " + ex.Message);
        }
    }

    /// <summary>/api/requests/{id} (the request's fields) and /api/requests/{id}/content (what was captured).</summary>
    private DashboardResponse OneRequest(DashboardRequest request)
    {
        var rest = request.Path[RequestsPrefix.Length..];
        var wantsContent = rest.EndsWith(ContentSuffix, StringComparison.Ordinal);
        var idText = wantsContent ? rest[..^ContentSuffix.Length] : rest;
        if (!Guid.TryParse(idText, out var id))
        {
            return Error(404, $"No request '{idText}': a request id is a GUID.");
        }

        if (wantsContent)
        {
            try
            {
                return _content.Json(id) is { } json ? DashboardResponse.JsonBody(json) : Error(404, _content.Missing());
            }
            catch (Exception ex) when (DashboardContent.IsUnreadable(ex))
            {
                return Error(500, $"Cannot read the content of {id}: {ex.Message}");
            }
        }

        DateTime? near = null;
        if (request.Query.TryGetValue("time", out var timeText))
        {
            if (!DateTime.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                return Error(400, $"The time '{timeText}' is not an ISO 8601 time.");
            }

            near = time;
        }

        try
        {
            return _api.Request(id, near) is { } found ? DashboardResponse.JsonBody(found) : Error(404, $"No request {id} in the usage store (it may have been removed).");
        }
        catch (Exception ex) when (StoreFailure.Classify(ex) is not null)
        {
            return Error(503, "The usage store cannot be read now: " + ex.Message);
        }
    }

    private static bool CaptureSetting(TokentapPaths paths)
    {
        try
        {
            return ContentSettingsFile.Load(paths).Enabled;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static DashboardResponse Error(int status, string message) =>
        new(status, DashboardResponse.Json, DashboardApi.Write(json => json.WriteString("error", message)));

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Fail(ex);
                continue;
            }

            lock (_gate)
            {
                if (_disposed || _connections.Count >= MaxConnections)
                {
                    client.Dispose();
                    continue;
                }

                var connection = HandleAsync(client);
                _connections.Add(connection);
                _ = connection.ContinueWith(Forget, TaskScheduler.Default);
            }
        }
    }

    private void Forget(Task connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        await Task.Yield();
        try
        {
            using (client)
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                DashboardRequest? request;
                using (var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
                {
                    headTimeout.CancelAfter(HeadTimeout);
                    request = await DashboardRequest.ReadAsync(stream, headTimeout.Token).ConfigureAwait(false);
                }

                if (request is null)
                {
                    await DashboardResponse.Plain(400, "Bad request.").WriteAsync(stream, headOnly: false, _stopping.Token).ConfigureAwait(false);
                    return;
                }

                DashboardResponse response;
                DashboardQuery? liveFeed;
                try
                {
                    response = Answer(request, out liveFeed);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Fail(ex);
                    (response, liveFeed) = (Error(500, "The dashboard failed to answer: " + ex.Message), null);
                }

                if (liveFeed is not null)
                {
                    await _feed.RunAsync(stream, liveFeed, _stopping.Token).ConfigureAwait(false);
                    return;
                }

                await response.WriteAsync(stream, request.Method == "HEAD", _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The browser went away, or the server is stopping: nothing to answer.
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Fail(Exception exception)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _lastFailure, $"{DateTime.Now:HH:mm:ss} {exception.GetType().Name}: {exception.Message}");
    }
}
