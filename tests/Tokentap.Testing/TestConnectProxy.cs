// A tiny CONNECT-only proxy for tests that chain an upstream proxy: it records targets and may redirect them.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tokentap.Testing;

/// <summary>
/// Listens on 127.0.0.1; answers CONNECT host:port by connecting to <c>redirect(host, port)</c> (default: the target
/// itself) and relaying bytes; anything else gets 405. Each CONNECT target is recorded.
/// </summary>
public sealed class TestConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, int, IPEndPoint?> _redirect;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _targets = new();
    private readonly ConcurrentBag<Task> _sessions = new();
    private readonly Task _acceptLoop;

    public TestConnectProxy(Func<string, int, IPEndPoint?>? redirect = null)
    {
        _redirect = redirect ?? ((_, _) => null);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public Uri Uri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The CONNECT targets seen (host:port), in order.</summary>
    public IReadOnlyList<string> Targets => _targets.ToArray();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_sessions.ToArray());
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _sessions.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var requestLine = head.Split("\r\n")[0].Split(' ');
                if (requestLine.Length < 3 || requestLine[0] != "CONNECT")
                {
                    await stream.WriteAsync("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                    return;
                }

                var target = requestLine[1];
                _targets.Enqueue(target);
                var colon = target.LastIndexOf(':');
                var host = target[..colon].Trim('[', ']');
                var port = int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                var destination = _redirect(host, port);
                using var upstream = new TcpClient();
                try
                {
                    if (destination is null)
                    {
                        await upstream.ConnectAsync(host, port, _stop.Token);
                    }
                    else
                    {
                        await upstream.ConnectAsync(destination, _stop.Token);
                    }
                }
                catch (SocketException)
                {
                    await stream.WriteAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                    return;
                }

                await stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray());
                var upstreamStream = upstream.GetStream();
                var up = stream.CopyToAsync(upstreamStream, _stop.Token);
                var down = upstreamStream.CopyToAsync(stream, _stop.Token);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // A side went away; the session is over.
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (!(bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("closed before the request head ended");
            }

            bytes.Add(one[0]);
        }

        return Encoding.ASCII.GetString(bytes.ToArray());
    }
}
