// Relays one upstream HTTP response to the client: the head, the body in the client's framing, a copy to the tap.
using System.Buffers;
using System.Net.Http;
using System.Runtime.CompilerServices;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// Sends one upstream response to the client; one instance per response. The path per chunk is: read upstream,
/// frame, write to the client, then post a copy to the exchange's tap pump; nothing on it waits for the observer,
/// logs, or allocates. Only the write that completes the response waits for the connection's client-process lookup
/// when it has not ended yet: the client is then still waiting, so still there to be found, and its first byte never
/// waits.
/// </summary>
internal sealed class ResponseRelay
{
    /// <summary>Bytes read from upstream per chunk.</summary>
    private const int ChunkSize = 16 * 1024;

    /// <summary>Room before a chunk for its chunked-coding size line (8 hex digits + CRLF).</summary>
    private const int ChunkPrefix = 10;

    private static readonly ReadOnlyMemory<byte> LastChunk = "0\r\n\r\n"u8.ToArray();

    /// <summary>How long an upstream read may still finish after the client hung up, to learn whether the body was complete.</summary>
    private static readonly TimeSpan ClientGoneGrace = TimeSpan.FromSeconds(1);

    private readonly ProxyContext _context;
    private readonly Stream _client;
    private readonly ObservedExchange _exchange;
    private readonly CancellationTokenSource _clientGone;
    private readonly HttpResponseMessage _response;
    private readonly ResponseFraming _framing;
    private readonly long _contentLength;
    private readonly Task? _holdEnd;
    private byte[] _buffer = [];
    private int _headLength;
    private bool _pendingHead;
    private long _responseBytes;
    private string? _upstreamError;
    private bool _clientAborted;
    private bool _bodyEnded;
    private bool _keepAlive;

    public ResponseRelay(ProxyContext context, Stream client, ObservedExchange exchange, CancellationTokenSource clientGone, HttpResponseMessage response, ResponseFraming framing, Task? holdEnd = null)
    {
        _holdEnd = holdEnd;
        _context = context;
        _client = client;
        _exchange = exchange;
        _clientGone = clientGone;
        _response = response;
        _framing = framing;
        _contentLength = framing == ResponseFraming.ContentLength ? response.Content.Headers.ContentLength ?? -1 : -1;
    }

    private bool Chunked => _framing == ResponseFraming.Chunked;

    /// <summary>Relays the response; returns true when the client connection may serve another request.</summary>
    public async Task<bool> RunAsync(bool keepAlive, double ttfbMs, CancellationToken cancellationToken)
    {
        _keepAlive = keepAlive;
        _buffer = ArrayPool<byte>.Shared.Rent(4096 + ChunkPrefix + ChunkSize + 2);

        // Upstream reads outlive the client by a grace period: a client that hangs up right after the last byte it
        // needs (an SDK that stops at [DONE], curl piped into a pager that quits) must not turn the upstream's end of
        // body, usually already on its way, into a cancelled read. Only bytes that then arrive make it an abort.
        using var upstreamReads = CancellationTokenSource.CreateLinkedTokenSource(_context.Abort);
        using var graceAfterClientGone = _clientGone.Token.Register(
            static state => ((CancellationTokenSource)state!).CancelAfter(ClientGoneGrace),
            upstreamReads);
        try
        {
            var body = await SendHeadAsync(ttfbMs, upstreamReads.Token, cancellationToken).ConfigureAwait(false);
            if (body is not null)
            {
                await RelayBodyAsync(body, upstreamReads.Token, cancellationToken).ConfigureAwait(false);
            }

            // The end marker is the proxy's own: a client that left after the last data byte lost nothing upstream sent.
            if (_bodyEnded && Chunked && !await TryWriteClientAsync(_client, LastChunk, cancellationToken).ConfigureAwait(false))
            {
                _keepAlive = false;
            }
        }
        catch (OperationCanceledException) when (_bodyEnded)
        {
            // Only the end marker was cancelled (the client left, or the proxy stops): the body itself was delivered.
            _keepAlive = false;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            OnResponseFailed(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        Report();
        return _keepAlive && !_clientAborted && _upstreamError is null && !_clientGone.IsCancellationRequested;
    }

    /// <summary>
    /// Writes the head into the buffer, shows it to the observer, opens the body and sends the head, unless a
    /// small fixed-length body is expected to follow it at once: then both go in one write (one TLS record).
    /// </summary>
    private async Task<Stream?> SendHeadAsync(double ttfbMs, CancellationToken upstreamReads, CancellationToken cancellationToken)
    {
        var collect = _exchange.Pump is null ? null : new HeaderList();
        _headLength = ResponseHeadWriter.Write(ref _buffer, ChunkPrefix + ChunkSize + 2, _response, Chunked, close: !_keepAlive, keepUpgrade: false, collect);
        if (_exchange.Pump is { } pump)
        {
            var encoding = _response.Content.Headers.NonValidated.TryGetValues("Content-Encoding", out var values) ? string.Join(",", values) : null;
            pump.PostHead(new ExchangeResponseHead { StatusCode = (int)_response.StatusCode, Headers = collect!, TimeToFirstByteMs = ttfbMs }, encoding);
        }

        Stream? body = null;
        if (_framing != ResponseFraming.None)
        {
            body = await _response.Content.ReadAsStreamAsync(upstreamReads).ConfigureAwait(false);
        }
        else
        {
            _bodyEnded = true;
        }

        _pendingHead = _contentLength is > 0 and <= ChunkSize;
        if (!_pendingHead && (_framing == ResponseFraming.None || _contentLength == 0))
        {
            await HoldEndAsync().ConfigureAwait(false);
        }

        if (!_pendingHead && !await TryWriteClientAsync(_client, _buffer.AsMemory(0, _headLength), cancellationToken).ConfigureAwait(false))
        {
            _clientAborted = true;
        }

        // A fixed-length body ends with its last byte: no further read, which could only race the client's hang-up.
        if (_contentLength == 0)
        {
            _bodyEnded = true;
        }

        return body;
    }

    private async Task RelayBodyAsync(Stream body, CancellationToken upstreamReads, CancellationToken cancellationToken)
    {
        while (!_clientAborted && !_bodyEnded)
        {
            var dataOffset = _pendingHead ? _headLength : ChunkPrefix;
            int n;
            try
            {
                n = await body.ReadAsync(_buffer.AsMemory(dataOffset, ChunkSize), upstreamReads).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
            {
                OnReadFailed(ex);
                return;
            }

            if (n == 0)
            {
                await EndOfBodyAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            _responseBytes += n;

            // Bytes the upstream sent after the client left can never reach it.
            if (_clientGone.IsCancellationRequested)
            {
                _clientAborted = true;
                return;
            }

            var last = _contentLength > 0 && _responseBytes >= _contentLength;
            if (last)
            {
                // A small body would leave in one write with its head; while the lookup runs, the head goes first, so
                // the client's first byte never waits for it.
                if (_pendingHead && _holdEnd is { IsCompleted: false })
                {
                    _pendingHead = false;
                    if (!await TryWriteClientAsync(_client, _buffer.AsMemory(0, _headLength), cancellationToken).ConfigureAwait(false))
                    {
                        _clientAborted = true;
                        return;
                    }
                }

                await HoldEndAsync().ConfigureAwait(false);
            }

            if (!await TryWriteClientAsync(_client, Frame(dataOffset, n), cancellationToken).ConfigureAwait(false))
            {
                _clientAborted = true;
                return;
            }

            _exchange.Pump?.PostBody(_buffer.AsSpan(dataOffset, n));
            _bodyEnded = last;
        }
    }

    /// <summary>The bytes to send for <paramref name="n"/> data bytes at <paramref name="dataOffset"/>, framed in place.</summary>
    private Memory<byte> Frame(int dataOffset, int n)
    {
        if (_pendingHead)
        {
            _pendingHead = false;
            return _buffer.AsMemory(0, _headLength + n);
        }

        if (Chunked)
        {
            var start = WriteChunkPrefix(_buffer, n);
            _buffer[ChunkPrefix + n] = (byte)'\r';
            _buffer[ChunkPrefix + n + 1] = (byte)'\n';
            return _buffer.AsMemory(start, ChunkPrefix - start + n + 2);
        }

        return _buffer.AsMemory(dataOffset, n);
    }

    /// <summary>The upstream body ended: a head still held back goes out now.</summary>
    private async ValueTask EndOfBodyAsync(CancellationToken cancellationToken)
    {
        // What is written from here on (a held head, the chunked end marker, the close) completes the response.
        await HoldEndAsync().ConfigureAwait(false);
        if (_pendingHead && !await TryWriteClientAsync(_client, _buffer.AsMemory(0, _headLength), cancellationToken).ConfigureAwait(false))
        {
            _clientAborted = true;
        }

        _pendingHead = false;
        _bodyEnded = !_clientAborted;
    }

    // The lookup never faults (it catches what a resolver throws); one that ended costs nothing here.
    private async ValueTask HoldEndAsync()
    {
        if (_holdEnd is { IsCompleted: false } hold)
        {
            await hold.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void OnReadFailed(Exception exception)
    {
        if (_clientGone.IsCancellationRequested)
        {
            _clientAborted = true;
            return;
        }

        _upstreamError = _context.Abort.IsCancellationRequested
            ? "cut: the proxy stopped during the response"
            : $"the upstream connection broke mid-response: {exception.Message}";
    }

    private void OnResponseFailed(Exception exception)
    {
        if (_clientGone.IsCancellationRequested)
        {
            _clientAborted = true;
            return;
        }

        _upstreamError ??= _context.Abort.IsCancellationRequested
            ? "cut: the proxy stopped during the response"
            : $"the upstream response failed: {exception.Message}";
    }

    private void Report()
    {
        if (_clientAborted)
        {
            _context.Statistics.Count(ProxyFailureKind.ClientAborted);
        }
        else if (_upstreamError is not null)
        {
            _context.Statistics.Record(ProxyFailureKind.UpstreamCut, $"{_exchange.Label}: {_upstreamError}");
        }

        _exchange.Pump?.Complete(new ExchangeCompletion
        {
            DurationMs = _exchange.ElapsedMs,
            ClientAborted = _clientAborted,
            UpstreamError = _upstreamError,
            ResponseBytes = _responseBytes,
        });
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> TryWriteClientAsync(Stream client, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await client.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Writes "hex-size CRLF" so that it ends right before the data; returns where it starts.</summary>
    private static int WriteChunkPrefix(byte[] buffer, int size)
    {
        var position = ChunkPrefix - 2;
        buffer[position] = (byte)'\r';
        buffer[position + 1] = (byte)'\n';
        do
        {
            var digit = size & 0xF;
            buffer[--position] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
            size >>= 4;
        }
        while (size != 0);

        return position;
    }
}
