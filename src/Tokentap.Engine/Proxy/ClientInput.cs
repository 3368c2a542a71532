// Buffered reading from a client connection: request heads, request bodies, and watching for the client going away.
using System.Buffers;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// Owns one pooled read buffer for a client stream. Heads are parsed in place; bytes read past a head (a pipelined
/// request, a TLS ClientHello after CONNECT, early WebSocket frames) stay buffered for whoever reads next.
/// </summary>
internal sealed class ClientInput : IDisposable
{
    private const int InitialBufferSize = 16 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private Task<int>? _pendingRead;
    private bool _eof;

    public ClientInput(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>Bytes read from the client and not consumed yet.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Bytes read from the client and not consumed yet.</summary>
    public ReadOnlyMemory<byte> BufferedMemory => _buffer.AsMemory(_start, _end - _start);

    public int BufferedCount => _end - _start;

    /// <summary>Bytes received from the client so far.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Marks buffered bytes as consumed.</summary>
    public void Consume(int count)
    {
        _start += count;

        // A pending watch read writes at _end, so the positions may only be reset when no read is outstanding.
        if (_start == _end && _pendingRead is null)
        {
            _start = _end = 0;
        }
    }

    /// <summary>
    /// Reads the next request head. Returns null at a clean end of stream (no bytes of a new request), or a head, or
    /// an error (400 for malformed or truncated heads, 431 for heads over the limit, 501/400 for bad framing).
    /// </summary>
    public async ValueTask<(HttpRequestHead? Head, HttpParseError Error)> ReadRequestHeadAsync(CancellationToken cancellationToken)
    {
        var scanFrom = 0;
        while (true)
        {
            var headEnd = Http1Parser.FindHeadEnd(Buffered, ref scanFrom);
            if (headEnd > Http1Parser.MaxHeadBytes || (headEnd < 0 && BufferedCount > Http1Parser.MaxHeadBytes))
            {
                return (null, new HttpParseError(431, $"the request head exceeds {Http1Parser.MaxHeadBytes / 1024} KiB"));
            }

            if (headEnd > 0)
            {
                var head = Http1Parser.ParseRequestHead(Buffered[..headEnd], out var error);
                Consume(headEnd);
                return (head, error);
            }

            if (!await FillAsync(Http1Parser.MaxHeadBytes + 1, cancellationToken).ConfigureAwait(false))
            {
                return BufferedCount == 0 ? (null, default) : (null, HttpParseError.Malformed("the connection closed inside a request head"));
            }
        }
    }

    /// <summary>Reads a whole request body as the head frames it; returns null with an error when it cannot.</summary>
    public async ValueTask<(byte[]? Body, HttpParseError Error)> ReadBodyAsync(HttpRequestHead head, int maxBytes, CancellationToken cancellationToken)
    {
        switch (head.BodyFraming)
        {
            case RequestBodyFraming.None:
                return (Array.Empty<byte>(), default);

            case RequestBodyFraming.ContentLength:
                if (head.ContentLength > maxBytes)
                {
                    return (null, new HttpParseError(413, $"the request body exceeds {maxBytes} bytes"));
                }

                var body = head.ContentLength == 0 ? Array.Empty<byte>() : new byte[head.ContentLength];
                var filled = 0;
                while (filled < body.Length)
                {
                    if (BufferedCount == 0 && !await FillAsync(1, cancellationToken).ConfigureAwait(false))
                    {
                        return (null, HttpParseError.Malformed("the connection closed inside the request body"));
                    }

                    var take = Math.Min(BufferedCount, body.Length - filled);
                    Buffered[..take].CopyTo(body.AsSpan(filled));
                    Consume(take);
                    filled += take;
                }

                return (body, default);

            default:
                var decoder = new ChunkedBodyDecoder(maxBytes);
                var output = new ArrayBufferWriter<byte>();
                while (true)
                {
                    if (BufferedCount > 0)
                    {
                        var used = decoder.Decode(Buffered, output, out var error);
                        if (error.IsError)
                        {
                            return (null, error);
                        }

                        Consume(used);
                        if (decoder.IsDone)
                        {
                            return (output.WrittenSpan.ToArray(), default);
                        }
                    }

                    if (!await FillAsync(1, cancellationToken).ConfigureAwait(false))
                    {
                        return (null, HttpParseError.Malformed("the connection closed inside the request body"));
                    }
                }
        }
    }

    /// <summary>Makes sure at least one byte is buffered; false at end of stream.</summary>
    public async ValueTask<bool> EnsureBufferedAsync(CancellationToken cancellationToken) =>
        BufferedCount > 0 || await FillAsync(1, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Starts a read that only completes when the client sends more bytes or goes away, so a client that hangs up
    /// while its request waits on the upstream is noticed at once. Bytes that arrive (a pipelined request) stay
    /// buffered; end of stream or an error cancels <paramref name="onClientGone"/>.
    /// </summary>
    public void WatchForClientGone(CancellationTokenSource onClientGone)
    {
        if (_pendingRead is not null || _eof)
        {
            return;
        }

        MakeRoom(1);
        _pendingRead = _stream.ReadAsync(_buffer, _end, _buffer.Length - _end);
        _ = ObserveAsync(_pendingRead, onClientGone);

        static async Task ObserveAsync(Task<int> read, CancellationTokenSource onClientGone)
        {
            int n;
            try
            {
                n = await read.ConfigureAwait(false);
            }
            catch (Exception)
            {
                n = 0;
            }

            if (n <= 0)
            {
                try
                {
                    onClientGone.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The exchange already ended and disposed its source; nobody is waiting any more.
                }
            }
        }
    }

    /// <summary>Completes an outstanding watch read so the next reader sees its bytes; false when the client is gone.</summary>
    public async ValueTask<bool> SettleWatchAsync(CancellationToken cancellationToken)
    {
        if (_pendingRead is null)
        {
            return !_eof;
        }

        int n;
        try
        {
            n = await _pendingRead.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The read stays pending (and owns the buffer) until the stream is closed.
            throw;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            n = 0;
        }

        _pendingRead = null;
        if (n <= 0)
        {
            _eof = true;
            return false;
        }

        _end += n;
        BytesReceived += n;
        return true;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, Array.Empty<byte>());
        if (buffer.Length > 0 && _pendingRead is null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // With a read still pending the buffer is left to the GC: returning it could hand it out while the read writes.
    }

    /// <summary>Reads once more into the buffer, growing it up to <paramref name="limit"/>; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(int limit, CancellationToken cancellationToken)
    {
        if (_pendingRead is not null)
        {
            return await SettleWatchAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_eof)
        {
            return false;
        }

        MakeRoom(Math.Min(limit, InitialBufferSize));
        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            _eof = true;
            return false;
        }

        _end += n;
        BytesReceived += n;
        return true;
    }

    /// <summary>Moves buffered bytes to the front when that frees room for at least <paramref name="wanted"/> bytes.</summary>
    private void MakeRoom(int wanted)
    {
        if (_buffer.Length - _end >= wanted)
        {
            return;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Grow(_buffer.Length * 2);
        }
    }

    private void Grow(int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        Buffer.BlockCopy(_buffer, _start, bigger, 0, _end - _start);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
        _end -= _start;
        _start = 0;
    }
}
