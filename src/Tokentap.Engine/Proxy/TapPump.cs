// Carries one exchange's response copy from the client path to its tap: bounded, pooled, decoded on the tap's side.
using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// The client path posts copies of the bytes it has already written to the client; a worker task hands them to the
/// tap in order, one call at a time, decoding Content-Encoding (gzip, deflate, br) and reassembling WebSocket
/// messages on the way. Posting never blocks: when the undelivered backlog exceeds its bound the pump stops feeding
/// the tap and flags the completion with ObserverOverflow. Tap exceptions are recorded; after one the tap gets no
/// more data, but <see cref="IExchangeTap.OnCompleted"/> is still delivered. The client-process lookup is awaited
/// here, before the first WebSocket message and before the completion (the tap builds its events there), so the
/// client's request never waits for it.
/// </summary>
internal sealed class TapPump : IValueTaskSource<bool>
{
    private const int DecodeBufferSize = 16 * 1024;

    private readonly IExchangeTap _tap;
    private readonly ProxyStatistics _statistics;
    private readonly string _label;
    private readonly int _backlogLimit;
    private Task? _clientLookup;

    // The queue between the client path (posts) and the worker (one reader): a plain queue under a lock, sized for the
    // head, a body piece and the completion of a small response, and one reusable signal for the waiting worker, whose
    // continuation always runs on the thread pool (never on the client's path). A Channel cost about 2 KB per exchange.
    private readonly Queue<TapItem> _items = new(4);
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private bool _closed;

    // The worker starts with the first body, WebSocket or completion item, not with the head: the head always comes
    // with or before them, and a small response (head, body, completion posted back to back) then costs one thread-pool
    // item instead of a start, a wake for the head and one for the body. Completion continuations run inline, as a
    // Task.Run task's did (TaskSet's continuation is ExecuteSynchronously).
    private readonly TaskCompletionSource _done = new();
    private int _started;

    private long _backlog;
    private volatile bool _overflowed;
    private int _completed;
    private bool _tapFaulted;
    private string? _decodeError;
    private TapItem? _stashed;
    private WebSocketFrameParser? _fromClient;
    private WebSocketFrameParser? _fromServer;

    public TapPump(IExchangeTap tap, ProxyStatistics statistics, int backlogLimit, string label, Task? clientLookup = null)
    {
        _tap = tap;
        _clientLookup = clientLookup;
        _statistics = statistics;
        _backlogLimit = backlogLimit;
        _label = label;
    }

    private enum TapItemKind
    {
        Head,
        Body,
        WebSocket,
        Complete,
    }

    /// <summary>Ends when the tap has been given its completion (or the worker gave up).</summary>
    public Task Completion => _done.Task;

    /// <summary>Queues the response head; <paramref name="contentEncoding"/> selects the decoder for the body.</summary>
    public void PostHead(ExchangeResponseHead head, string? contentEncoding) =>
        Write(new TapItem(TapItemKind.Head, null, 0, default, head, contentEncoding));

    /// <summary>Queues a copy of response body bytes as received from upstream.</summary>
    public void PostBody(ReadOnlySpan<byte> raw) => PostData(TapItemKind.Body, default, raw);

    /// <summary>Queues a copy of relayed WebSocket bytes in one direction.</summary>
    public void PostWebSocket(WebSocketMessageDirection direction, ReadOnlySpan<byte> raw) => PostData(TapItemKind.WebSocket, direction, raw);

    /// <summary>Queues the completion; nothing posted after it is delivered.</summary>
    public void Complete(ExchangeCompletion completion)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            Write(new TapItem(TapItemKind.Complete, null, 0, default, completion, null), close: true);
        }
    }

    private void PostData(TapItemKind kind, WebSocketMessageDirection direction, ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty || _overflowed || Volatile.Read(ref _completed) != 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        if (Interlocked.Add(ref _backlog, buffer.Length) > _backlogLimit)
        {
            Interlocked.Add(ref _backlog, -buffer.Length);
            ArrayPool<byte>.Shared.Return(buffer);
            _overflowed = true;
            _statistics.Record(ProxyFailureKind.ObserverOverflow, $"{_label}: the observer fell more than {_backlogLimit / 1024} KiB behind and stopped being fed");
            return;
        }

        raw.CopyTo(buffer);
        if (!Write(new TapItem(kind, buffer, raw.Length, direction, null, null)))
        {
            Release(buffer);
        }
    }

    /// <summary>Queues an item and wakes the worker if it waits; false (nothing queued) after the completion.</summary>
    private bool Write(TapItem item, bool close = false)
    {
        bool wake;
        lock (_items)
        {
            if (_closed)
            {
                return false;
            }

            _items.Enqueue(item);
            _closed = close;
            wake = _waiting;
            _waiting = false;
        }

        if (wake)
        {
            _signal.SetResult(true);
        }
        else if (item.Kind != TapItemKind.Head && Interlocked.Exchange(ref _started, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static pump => _ = pump.RunAsync(), this, preferLocal: false);
        }

        return true;
    }

    /// <summary>Takes the next item, or null when the completion was taken and nothing follows.</summary>
    private bool TryTake(out TapItem item, out bool ended)
    {
        lock (_items)
        {
            ended = false;
            if (_items.TryDequeue(out item))
            {
                return true;
            }

            if (_closed)
            {
                ended = true;
                return false;
            }

            _signal.Reset();
            _waiting = true;
            return false;
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _signal.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);

    private void Release(byte[] buffer)
    {
        Interlocked.Add(ref _backlog, -buffer.Length);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private async Task RunAsync()
    {
        try
        {
            while (await NextAsync().ConfigureAwait(false) is { } item)
            {
                switch (item.Kind)
                {
                    case TapItemKind.Head:
                        var head = (ExchangeResponseHead)item.Payload!;
                        CallTap(static (tap, h) => tap.OnResponseHead(h), head, "OnResponseHead");
                        if (!string.IsNullOrEmpty(item.ContentEncoding) && !item.ContentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                        {
                            await DecodeBodyAsync(item.ContentEncoding).ConfigureAwait(false);
                        }

                        break;

                    case TapItemKind.Body:
                        if (!_tapFaulted)
                        {
                            DeliverBody(item.Buffer.AsSpan(0, item.Length));
                        }

                        Release(item.Buffer!);
                        break;

                    case TapItemKind.WebSocket:
                        await WaitForClientLookupAsync().ConfigureAwait(false);
                        DeliverWebSocket(item.Direction, item.Buffer.AsSpan(0, item.Length));
                        Release(item.Buffer!);
                        break;

                    case TapItemKind.Complete:
                        await WaitForClientLookupAsync().ConfigureAwait(false);
                        DeliverCompletion((ExchangeCompletion)item.Payload!);
                        return;
                }
            }
        }
        catch (Exception ex)
        {
            _statistics.Record(ProxyFailureKind.Internal, $"{_label}: observer worker failed: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            try
            {
                _fromClient?.Dispose();
                _fromServer?.Dispose();
                lock (_items)
                {
                    _closed = true;
                    while (_items.TryDequeue(out var left))
                    {
                        if (left.Buffer is not null)
                        {
                            Release(left.Buffer);
                        }
                    }
                }
            }
            finally
            {
                _done.TrySetResult();
            }
        }
    }

    // The lookup never faults (the lookup catches what a resolver throws); a finished one costs nothing here.
    private async ValueTask WaitForClientLookupAsync()
    {
        if (_clientLookup is { IsCompleted: false } lookup)
        {
            await lookup.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _clientLookup = null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TapItem?> NextAsync()
    {
        if (_stashed is { } stashed)
        {
            _stashed = null;
            return stashed;
        }

        while (true)
        {
            if (TryTake(out var item, out var ended))
            {
                return item;
            }

            if (ended)
            {
                return null;
            }

            await new ValueTask<bool>(this, _signal.Version).ConfigureAwait(false);
        }
    }

    /// <summary>Pulls body items through a decompressor until the body ends; the item that ended it is stashed.</summary>
    private async Task DecodeBodyAsync(string contentEncoding)
    {
        var encoding = contentEncoding.Trim();
        var source = new TapBodyStream(this);
        Stream? decoder = null;
        DecodedBodyBudget.Shared.EnterDecoder();
        try
        {
            if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                decoder = new GZipStream(source, CompressionMode.Decompress);
            }
            else if (encoding.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                decoder = new BrotliStream(source, CompressionMode.Decompress);
            }
            else if (encoding.Equals("deflate", StringComparison.OrdinalIgnoreCase))
            {
                // HTTP's "deflate" is zlib-wrapped (RFC 9110 8.4.1.2), but some servers send raw deflate; the zlib header tells.
                var first = new byte[2];
                var got = 0;
                int n;
                while (got < 2 && (n = await source.ReadAsync(first.AsMemory(got)).ConfigureAwait(false)) > 0)
                {
                    got += n;
                }

                var zlib = got == 2 && (first[0] & 0x0F) == 8 && ((first[0] << 8) | first[1]) % 31 == 0;
                var input = new PrefixedStream(first.AsMemory(0, got), source, ownsInner: false);
                decoder = zlib ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress);
            }
            else
            {
                _decodeError = $"unsupported Content-Encoding '{encoding}'";
                await source.DrainAsync().ConfigureAwait(false);
                return;
            }

            var output = ArrayPool<byte>.Shared.Rent(DecodeBufferSize);
            try
            {
                int n;
                while ((n = await decoder.ReadAsync(output.AsMemory(0, DecodeBufferSize)).ConfigureAwait(false)) > 0)
                {
                    if (!_tapFaulted)
                    {
                        DeliverBody(output.AsSpan(0, n));
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(output);
            }

            await source.DrainAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            _decodeError = $"could not decode Content-Encoding '{encoding}': {ex.Message}";
            await source.DrainAsync().ConfigureAwait(false);
        }
        finally
        {
            decoder?.Dispose();
            source.ReleaseCurrent();
            DecodedBodyBudget.Shared.ExitDecoder();
        }
    }

    private void DeliverBody(ReadOnlySpan<byte> decoded)
    {
        try
        {
            _tap.OnResponseBody(decoded);
        }
        catch (Exception ex)
        {
            TapFailed("OnResponseBody", ex);
        }
    }

    private void DeliverWebSocket(WebSocketMessageDirection direction, ReadOnlySpan<byte> raw)
    {
        var parser = direction == WebSocketMessageDirection.ClientToServer
            ? _fromClient ??= new WebSocketFrameParser()
            : _fromServer ??= new WebSocketFrameParser();
        while (parser.TryReadMessage(ref raw, out var isText, out var payload))
        {
            if (_tapFaulted)
            {
                continue;
            }

            try
            {
                _tap.OnWebSocketMessage(direction, isText, payload);
            }
            catch (Exception ex)
            {
                TapFailed("OnWebSocketMessage", ex);
            }
        }
    }

    private void DeliverCompletion(ExchangeCompletion completion)
    {
        var decodeError = _decodeError ?? completion.DecodeError ?? DescribeWebSocketTrouble();
        var final = new ExchangeCompletion
        {
            DurationMs = completion.DurationMs,
            ClientAborted = completion.ClientAborted,
            UpstreamError = completion.UpstreamError,
            ProxyStatusCode = completion.ProxyStatusCode,
            Refusal = completion.Refusal,
            ResponseBytes = completion.ResponseBytes,
            ObserverOverflow = completion.ObserverOverflow || _overflowed,
            DecodeError = decodeError,
        };

        try
        {
            _tap.OnCompleted(final);
        }
        catch (Exception ex)
        {
            TapFailed("OnCompleted", ex);
        }
    }

    private string? DescribeWebSocketTrouble()
    {
        foreach (var (name, parser) in new[] { ("client", _fromClient), ("server", _fromServer) })
        {
            if (parser is null)
            {
                continue;
            }

            if (parser.Error is { } error)
            {
                return $"WebSocket frames from the {name} could not be parsed: {error}";
            }

            if (parser.SkippedCompressed > 0)
            {
                return $"{parser.SkippedCompressed} compressed WebSocket message(s) from the {name} were not decoded";
            }

            if (parser.SkippedOversize > 0)
            {
                return $"{parser.SkippedOversize} oversized WebSocket message(s) from the {name} were skipped";
            }
        }

        return null;
    }

    private void CallTap<T>(Action<IExchangeTap, T> call, T argument, string what)
    {
        if (_tapFaulted)
        {
            return;
        }

        try
        {
            call(_tap, argument);
        }
        catch (Exception ex)
        {
            TapFailed(what, ex);
        }
    }

    private void TapFailed(string what, Exception ex)
    {
        _tapFaulted = true;
        _statistics.Record(ProxyFailureKind.ObserverException, $"{_label}: {what} threw {ex.GetType().Name}: {ex.Message}");
    }

    private readonly record struct TapItem(
        TapItemKind Kind,
        byte[]? Buffer,
        int Length,
        WebSocketMessageDirection Direction,
        object? Payload,
        string? ContentEncoding);

    /// <summary>The compressed body as a stream for a decompressor: it pulls body items and ends at the first other item.</summary>
    private sealed class TapBodyStream : Stream
    {
        private readonly TapPump _pump;
        private byte[]? _current;
        private int _offset;
        private int _length;
        private bool _ended;

        public TapBodyStream(TapPump pump) => _pump = pump;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty || !await EnsureCurrentAsync().ConfigureAwait(false))
            {
                return 0;
            }

            var n = Math.Min(buffer.Length, _length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer.Span);
            _offset += n;
            if (_offset == _length)
            {
                ReleaseCurrent();
            }

            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        /// <summary>Consumes (and frees) the rest of the body.</summary>
        public async ValueTask DrainAsync()
        {
            while (await EnsureCurrentAsync().ConfigureAwait(false))
            {
                ReleaseCurrent();
            }
        }

        public void ReleaseCurrent()
        {
            if (_current is not null)
            {
                _pump.Release(_current);
                _current = null;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private async ValueTask<bool> EnsureCurrentAsync()
        {
            if (_current is not null)
            {
                return true;
            }

            if (_ended)
            {
                return false;
            }

            var item = await _pump.NextAsync().ConfigureAwait(false);
            if (item is not { Kind: TapItemKind.Body } body)
            {
                _pump._stashed = item;
                _ended = true;
                return false;
            }

            _current = body.Buffer;
            _offset = 0;
            _length = body.Length;
            return true;
        }
    }
}
