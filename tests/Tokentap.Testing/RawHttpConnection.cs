// A raw TCP (optionally TLS) connection for tests that must send exact bytes and read exact answers.
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tokentap.Testing;

/// <summary>
/// Sends bytes as given and reads HTTP/1.1 responses (heads plus Content-Length or chunked bodies) or everything up
/// to the close. Can switch to TLS after a CONNECT, validating against chosen roots only.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private Stream _stream;
    private readonly List<byte> _pending = new();

    private RawHttpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public Stream Stream => _stream;

    public static async Task<RawHttpConnection> ConnectAsync(IPEndPoint endpoint)
    {
        var client = new TcpClient(endpoint.AddressFamily) { NoDelay = true };
        await client.ConnectAsync(endpoint);
        return new RawHttpConnection(client);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends CONNECT host:port and reads the answer's head (a 2xx answer has no body).</summary>
    public async Task<RawHttpResponse> ConnectAsync(string authority)
    {
        await SendAsync($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
        return await ReadResponseAsync(headOnly: true) ?? throw new IOException("the proxy closed the connection instead of answering CONNECT");
    }

    /// <summary>Starts TLS (after a CONNECT was answered) and returns the server's certificate.</summary>
    public async Task<X509Certificate2> StartTlsAsync(string host, IEnumerable<X509Certificate2> trustedRoots)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(trustedRoots.ToArray());
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            CertificateChainPolicy = policy,
            ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 },
        });
        _stream = ssl;
        return X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
    }

    /// <summary>
    /// Reads one response (head and body as framed; <paramref name="headOnly"/> for answers to HEAD). Returns null when
    /// the connection closed first.
    /// </summary>
    public async Task<RawHttpResponse?> ReadResponseAsync(TimeSpan? timeout = null, bool headOnly = false)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var headBytes = await ReadUntilAsync("\r\n\r\n"u8.ToArray(), cts.Token);
        if (headBytes is null)
        {
            return null;
        }

        var head = Encoding.Latin1.GetString(headBytes);
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => new KeyValuePair<string, string>(p[0].Trim(), p[1].Trim())).ToList();
        string? Get(string name) => headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        byte[] body;
        if (headOnly || status is 101 or 204 or 304 || (status >= 100 && status < 200))
        {
            body = Array.Empty<byte>();
        }
        else if (Get("Content-Length") is { } length)
        {
            body = await ReadExactAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), cts.Token);
        }
        else if (Get("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            var all = new List<byte>();
            while (true)
            {
                var sizeLine = Encoding.ASCII.GetString(await ReadUntilAsync("\r\n"u8.ToArray(), cts.Token) ?? throw new IOException("closed in chunked body"));
                var size = Convert.ToInt32(sizeLine.Trim().Split(';')[0], 16);
                if (size == 0)
                {
                    await ReadUntilAsync("\r\n"u8.ToArray(), cts.Token);
                    break;
                }

                all.AddRange(await ReadExactAsync(size, cts.Token));
                await ReadExactAsync(2, cts.Token);
            }

            body = all.ToArray();
        }
        else
        {
            body = await ReadToEndAsync(cts.Token);
        }

        return new RawHttpResponse(status, lines[0], headers, body);
    }

    /// <summary>True when the peer closes the connection (reads end) within the timeout, with no further bytes.</summary>
    public async Task<bool> IsClosedByPeerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            var rest = await ReadToEndAsync(cts.Token);
            return rest.Length == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private async Task<byte[]?> ReadUntilAsync(byte[] terminator, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var index = IndexOf(_pending, terminator);
            if (index >= 0)
            {
                var result = _pending.Take(index + terminator.Length).ToArray();
                _pending.RemoveRange(0, index + terminator.Length);
                return result;
            }

            var n = await _stream.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                return null;
            }

            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (_pending.Count < count)
        {
            var n = await _stream.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                throw new IOException("closed before the body ended");
            }

            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var result = _pending.Take(count).ToArray();
        _pending.RemoveRange(0, count);
        return result;
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var n = await _stream.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                break;
            }

            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var result = _pending.ToArray();
        _pending.Clear();
        return result;
    }

    private static int IndexOf(List<byte> haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
