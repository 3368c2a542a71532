// A general in-process upstream server for tests: Kestrel on 127.0.0.1, HTTP or HTTPS, routes by method and path.
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Tokentap.Testing;

/// <summary>
/// A mock upstream (a provider API, a gateway, any HTTPS site) for engine, provider and module tests. Register
/// routes with <see cref="Map"/> (method + exact path, or a path ending in '*' for a prefix; method "*" for any) and
/// WebSocket sessions with <see cref="MapWebSocket"/>. Every request is recorded (headers and whole body) before its
/// handler runs. Unmatched requests get 404 "no mock route".
/// </summary>
public sealed class MockUpstream : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Method, string Path), MockHandler> _routes = new();
    private readonly ConcurrentDictionary<string, Func<WebSocket, MockContext, Task>> _webSockets = new(StringComparer.Ordinal);
    private readonly List<MockRequest> _requests = new();
    private readonly Channel<MockRequest> _arrivals = Channel.CreateUnbounded<MockRequest>();
    private readonly WebApplication _app;
    private int _connections;

    private MockUpstream(WebApplication app, bool https)
    {
        _app = app;
        IsHttps = https;
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    public bool IsHttps { get; }

    /// <summary>https://127.0.0.1:port (or http://), no trailing slash.</summary>
    public Uri BaseUri => new($"{(IsHttps ? "https" : "http")}://127.0.0.1:{Port}");

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>Requests received so far, in arrival order.</summary>
    public IReadOnlyList<MockRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Starts a server: HTTPS with <paramref name="certificate"/> (which must carry its key), else plain HTTP.</summary>
    public static async Task<MockUpstream> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        MockUpstream? self = null;
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => async connection =>
                {
                    Interlocked.Increment(ref self!._connections);
                    await next(connection);
                });
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        var app = builder.Build();
        self = new MockUpstream(app, certificate is not null);
        app.UseWebSockets();
        app.Run(self.HandleAsync);
        await app.StartAsync();
        self.Port = new Uri(app.Urls.First()).Port;
        return self;
    }

    /// <summary>Registers (or replaces) the handler for a method and path.</summary>
    public MockUpstream Map(string method, string path, MockHandler handler)
    {
        _routes[(method.ToUpperInvariant(), path)] = handler;
        return this;
    }

    /// <summary>Accepts WebSocket upgrades on the path and runs the session; non-upgrade requests there get 400.</summary>
    public MockUpstream MapWebSocket(string path, Func<WebSocket, MockContext, Task> session)
    {
        _webSockets[path] = session;
        return this;
    }

    /// <summary>Waits for the next request to arrive (in order), up to the timeout.</summary>
    public async Task<MockRequest> NextRequestAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _arrivals.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Connections that do not close are dropped by DisposeAsync below.
        }

        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = await RecordAsync(http);
        lock (_requests)
        {
            _requests.Add(request);
        }

        _arrivals.Writer.TryWrite(request);
        var context = new MockContext(http, request);
        var path = http.Request.Path.Value ?? "/";
        if (_webSockets.TryGetValue(path, out var session))
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                http.Response.StatusCode = 400;
                await http.Response.WriteAsync("expected a WebSocket upgrade");
                return;
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await session(socket, context);
            return;
        }

        var handler = FindRoute(http.Request.Method, path);
        if (handler is null)
        {
            http.Response.StatusCode = 404;
            await http.Response.WriteAsync($"no mock route for {http.Request.Method} {path}");
            return;
        }

        await handler(context);
    }

    private MockHandler? FindRoute(string method, string path)
    {
        method = method.ToUpperInvariant();
        if (_routes.TryGetValue((method, path), out var exact) || _routes.TryGetValue(("*", path), out exact))
        {
            return exact;
        }

        foreach (var ((routeMethod, routePath), handler) in _routes)
        {
            if ((routeMethod == method || routeMethod == "*") && routePath.EndsWith('*') && path.StartsWith(routePath[..^1], StringComparison.Ordinal))
            {
                return handler;
            }
        }

        return null;
    }

    private static async Task<MockRequest> RecordAsync(HttpContext http)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in http.Request.Headers)
        {
            foreach (var value in header.Value)
            {
                headers.Add(new(header.Key, value ?? string.Empty));
            }
        }

        byte[] body;
        if (http.WebSockets.IsWebSocketRequest)
        {
            body = Array.Empty<byte>();
        }
        else
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            body = buffer.ToArray();
        }

        return new MockRequest
        {
            Method = http.Request.Method,
            Path = http.Request.Path.Value ?? "/",
            Query = http.Request.QueryString.Value ?? string.Empty,
            Host = http.Request.Host.Value ?? string.Empty,
            Headers = headers,
            Body = body,
            ContentLength = http.Request.ContentLength,
            WasChunked = http.Request.Headers.TransferEncoding.Any(v => v is not null && v.Contains("chunked", StringComparison.OrdinalIgnoreCase)),
            ConnectionId = http.Connection.Id,
        };
    }
}
