// The WebSocket relay's tap keeps causal order: the parser sees each message after the ones that prompted it.
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class BidirectionalRelayTests
{
    [Fact]
    public async Task The_parser_sees_messages_in_the_order_they_caused_each_other()
    {
        // A fast upstream answers while the request is still being written, and a fast client sends its next message
        // while the answer is still being written to it. A relay that tapped bytes only after writing them would hand
        // the parser an answer before its request, or the next request before the answer that prompted it.
        var observer = new RecordingObserver();
        var exchange = (RecordedExchange)observer.BeginExchange(new ExchangeRequest(ReadOnlyMemory<byte>.Empty)
        {
            Host = "api.openai.com",
            Port = 443,
            Method = "GET",
            PathAndQuery = "/v1/responses",
            Headers = new HeaderList(),
            Route = ProxyRoute.Connect,
            StartedUtc = DateTime.UtcNow,
            Tags = ExchangeTags.None,
        })!;
        var pump = new TapPump(exchange, new ProxyStatistics(), 1 << 20, "GET api.openai.com:443/v1/responses");
        pump.PostHead(new ExchangeResponseHead { StatusCode = 101, Headers = new HeaderList(), TimeToFirstByteMs = 1 }, null);
        var server = new FastServer(ServerFrame("response.completed 1"));
        var client = new FastClient(ClientFrame("response.create 1"), ClientFrame("response.create 2"), server);

        await BidirectionalRelay.RunAsync(client, server, pump, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        pump.Complete(new ExchangeCompletion { DurationMs = 1 });
        await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(
            [
                (WebSocketMessageDirection.ClientToServer, "response.create 1"),
                (WebSocketMessageDirection.ServerToClient, "response.completed 1"),
                (WebSocketMessageDirection.ClientToServer, "response.create 2"),
            ],
            exchange.Messages.Select(m => (m.Direction, Encoding.UTF8.GetString(m.Payload))));
        Assert.Equal(ServerFrame("response.completed 1"), client.Received.ToArray());
        Assert.Equal([.. ClientFrame("response.create 1"), .. ClientFrame("response.create 2")], server.Received.ToArray());
    }

    private static byte[] ServerFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return [0x81, (byte)payload.Length, .. payload];
    }

    private static byte[] ClientFrame(string text)
    {
        byte[] mask = [0x11, 0x22, 0x33, 0x44];
        var payload = Encoding.UTF8.GetBytes(text).Select((b, i) => (byte)(b ^ mask[i % 4]));
        return [0x81, (byte)(0x80 | text.Length), .. mask, .. payload];
    }

    /// <summary>The client: sends its second message as soon as the answer starts arriving, then ends its side.</summary>
    private sealed class FastClient(byte[] first, byte[] second, FastServer server) : DuplexStream
    {
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public MemoryStream Received { get; } = new();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            switch (_reads++)
            {
                case 0:
                    first.CopyTo(buffer);
                    return first.Length;
                case 1:
                    await _answered.Task.WaitAsync(cancellationToken);
                    second.CopyTo(buffer);
                    return second.Length;
                default:
                    await server.SecondReceived.WaitAsync(cancellationToken);
                    return 0;
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // The answer's write returns only after the second message has gone upstream.
            Received.Write(buffer.Span);
            _answered.TrySetResult();
            await server.SecondReceived.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The upstream: answers as soon as the first request starts arriving; that write returns 100 ms later.</summary>
    private sealed class FastServer(byte[] answer) : DuplexStream
    {
        private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _answered;

        public MemoryStream Received { get; } = new();

        public Task SecondReceived => _second.Task;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var first = Received.Length == 0;
            Received.Write(buffer.Span);
            if (first)
            {
                _requested.TrySetResult();
                await Task.Delay(100, cancellationToken);
            }
            else
            {
                _second.TrySetResult();
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_answered)
            {
                await _requested.Task.WaitAsync(cancellationToken);
                _answered = true;
                answer.CopyTo(buffer);
                return answer.Length;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    private abstract class DuplexStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
