// The start warm-up's own upstream: a loopback TLS server with a throwaway certificate that answers like the Messages API.
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tokentap.Engine.Hosting;

/// <summary>
/// Answers POSTs on 127.0.0.1 over TLS with a self-signed certificate made for this warm-up alone (only the warm-up's
/// own proxy trusts it). The x-tokentap-warm-up header picks the answer: "sse" a chunked Anthropic stream, "json" a
/// message with Content-Length, "gzip" the same message gzip-encoded. Keep-alive; never throws out of its loops.
/// </summary>
internal sealed class WarmUpUpstream : IDisposable
{
    public const string Model = "claude-sonnet-4-5";
    public const string Header = "x-tokentap-warm-up";

    private static readonly string[] StreamEvents =
    [
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_warmup_stream\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + Model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: ping\ndata: {\"type\":\"ping\"}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"warm\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" up\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ];

    private static readonly byte[] MessageJson = Encoding.UTF8.GetBytes(
        "{\"id\":\"msg_warmup_json\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + Model + "\",\"content\":[{\"type\":\"text\",\"text\":\"warm up\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":2}}");

    private readonly Socket _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationToken _stopping;
    private readonly Func<CancellationToken, Task>? _midStream;

    private WarmUpUpstream(Socket listener, X509Certificate2 certificate, CancellationToken stopping, Func<CancellationToken, Task>? midStream)
    {
        _listener = listener;
        _certificate = certificate;
        _stopping = stopping;
        _midStream = midStream;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        Accepting = AcceptLoopAsync();
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>https://127.0.0.1:PORT, the warm-up proxy's upstream override.</summary>
    public Uri BaseUri => new($"https://127.0.0.1:{Port}");

    /// <summary>The accept loop; ends when disposed.</summary>
    public Task Accepting { get; }

    /// <summary>The certificate without its key, for the one trust store that accepts it.</summary>
    public X509Certificate2 PublicCertificate() => new(_certificate.RawData);

    /// <summary>
    /// Makes the throwaway certificate (ECDSA P-256, SAN 127.0.0.1, one hour) and starts listening.
    /// <paramref name="midStream"/> (tests) is awaited after the stream's first event.
    /// </summary>
    public static WarmUpUpstream Start(CancellationToken stopping, Func<CancellationToken, Task>? midStream = null)
    {
        var certificate = CreateCertificate();
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(4);
            return new WarmUpUpstream(listener, certificate, stopping, midStream);
        }
        catch
        {
            listener.Dispose();
            certificate.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Tokentap warm-up upstream", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build(critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, critical: false));
        var now = DateTimeOffset.UtcNow;
        var selfSigned = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        if (!OperatingSystem.IsWindows())
        {
            return selfSigned;
        }

        // SChannel cannot use an ephemeral key; a PKCS#12 round trip gives the key a home it can use.
        using (selfSigned)
        {
#pragma warning disable SYSLIB0057 // X509CertificateLoader is not in net8.0; this constructor is the net8.0 way.
            return new X509Certificate2(selfSigned.Export(X509ContentType.Pkcs12), (string?)null, X509KeyStorageFlags.Exportable);
#pragma warning restore SYSLIB0057
        }
    }

    private async Task AcceptLoopAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var socket = await _listener.AcceptAsync(_stopping).ConfigureAwait(false);
                connections.Add(ServeAsync(socket));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Stopped (the socket was disposed or the token cancelled): the warm-up is over.
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stopping).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            var filled = 0;
            while (await ReadRequestAsync(ssl, buffer, filled).ConfigureAwait(false) is { } request)
            {
                filled = request.Leftover;
                await AnswerAsync(ssl, request.Kind).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The proxy closed the connection or the warm-up was cancelled; nothing here is the user's.
        }
    }

    // Reads one request head and its Content-Length body; returns the answer kind and how many bytes of the next
    // request are already in the buffer (moved to its start), or null when the connection ended.
    private async Task<(string Kind, int Leftover)?> ReadRequestAsync(Stream stream, byte[] buffer, int filled)
    {
        while (true)
        {
            var headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (headEnd >= 0)
            {
                var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
                var bodyLength = (int)HeaderValue(head, "content-length", 0);
                var total = headEnd + 4 + bodyLength;
                if (total > buffer.Length)
                {
                    return null;
                }

                if (filled >= total)
                {
                    buffer.AsSpan(total, filled - total).CopyTo(buffer);
                    var kind = head.Contains(Header + ": sse", StringComparison.OrdinalIgnoreCase) ? "sse"
                        : head.Contains(Header + ": gzip", StringComparison.OrdinalIgnoreCase) ? "gzip" : "json";
                    return (kind, filled - total);
                }
            }

            if (filled == buffer.Length)
            {
                return null;
            }

            var n = await stream.ReadAsync(buffer.AsMemory(filled), _stopping).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            filled += n;
        }
    }

    private static long HeaderValue(string head, string name, long fallback)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase)
                && long.TryParse(line.AsSpan(colon + 1).Trim(), out var value))
            {
                return value;
            }
        }

        return fallback;
    }

    private async Task AnswerAsync(Stream stream, string kind)
    {
        if (kind == "sse")
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nrequest-id: req_warmup_sse\r\nanthropic-ratelimit-requests-limit: 50\r\nanthropic-ratelimit-requests-remaining: 49\r\n\r\n"), _stopping).ConfigureAwait(false);
            await stream.FlushAsync(_stopping).ConfigureAwait(false);
            for (var i = 0; i < StreamEvents.Length; i++)
            {
                var item = StreamEvents[i];
                if (i == 1 && _midStream is not null)
                {
                    await _midStream(_stopping).ConfigureAwait(false);
                }

                var bytes = Encoding.UTF8.GetBytes(item);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{bytes.Length:x}\r\n"), _stopping).ConfigureAwait(false);
                await stream.WriteAsync(bytes, _stopping).ConfigureAwait(false);
                await stream.WriteAsync("\r\n"u8.ToArray(), _stopping).ConfigureAwait(false);
                await stream.FlushAsync(_stopping).ConfigureAwait(false);
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _stopping).ConfigureAwait(false);
            await stream.FlushAsync(_stopping).ConfigureAwait(false);
            return;
        }

        var body = kind == "gzip" ? Gzip(MessageJson) : MessageJson;
        var encoding = kind == "gzip" ? "Content-Encoding: gzip\r\n" : string.Empty;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{encoding}Content-Length: {body.Length}\r\nrequest-id: req_warmup_{kind}\r\n\r\n"), _stopping).ConfigureAwait(false);
        await stream.WriteAsync(body, _stopping).ConfigureAwait(false);
        await stream.FlushAsync(_stopping).ConfigureAwait(false);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
