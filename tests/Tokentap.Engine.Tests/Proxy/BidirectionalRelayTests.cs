// The WebSocket relay's tap keeps wire order: a client message reaches the parser before the server's answer to it.
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class BidirectionalRelayTests
{
    [Fact]
    public async Task A_client_message_is_tapped_before_the_server_can_answer_it()
    {
        // The upstream answers inside the write of the request and holds that write until the answer has been
        // relayed: a relay that tapped client bytes only after writing them would hand the parser the answer first.
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
        var server = new AnsweringServer(ServerFrame("response.completed"));
        var client = new OneMessageClient(ClientFrame("response.create"), server.AnswerRelayed);

        await BidirectionalRelay.RunAsync(client, server, pump, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        pump.Complete(new ExchangeCompletion { DurationMs = 1 });
        await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(
            [(WebSocketMessageDirection.ClientToServer, "response.create"), (WebSocketMessageDirection.ServerToClient, "response.completed")],
            exchange.Messages.Select(m => (m.Direction, Encoding.UTF8.GetString(m.Payload))));
        Assert.Equal(ServerFrame("response.completed"), client.Received.ToArray());
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

    /// <summary>The client: sends one frame, then ends its side once the server's answer has come back through.</summary>
    private sealed class OneMessageClient(byte[] frame, Task answerRelayed) : DuplexStream
    {
        private bool _sent;

        public MemoryStream Received { get; } = new();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                frame.CopyTo(buffer);
                return frame.Length;
            }

            await answerRelayed.WaitAsync(cancellationToken);
            return 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Received.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The upstream: answers during the write of the request, and returns from that write only later.</summary>
    private sealed class AnsweringServer(byte[] answer) : DuplexStream
    {
        private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _relayed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _answered;

        public Task AnswerRelayed => _relayed.Task;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _requested.TrySetResult();
            await _relayed.Task.WaitAsync(cancellationToken);
            await Task.Delay(50, cancellationToken);
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

            // The next read begins once the answer was written to the client and tapped.
            _relayed.TrySetResult();
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
