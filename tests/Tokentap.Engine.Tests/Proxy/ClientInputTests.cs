// The buffered client reader: heads and bodies over a stream that hands out bytes in small pieces.
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class ClientInputTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Reads_pipelined_requests_with_both_body_framings_from_any_read_size(int readSize)
    {
        var wire = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello" +
                   "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n" +
                   "GET /c HTTP/1.1\r\n\r\n";
        using var input = new ClientInput(new TrickleStream(Encoding.ASCII.GetBytes(wire), readSize));

        var (first, _) = await input.ReadRequestHeadAsync(CancellationToken.None);
        var (firstBody, _) = await input.ReadBodyAsync(first!, 100, CancellationToken.None);
        var (second, _) = await input.ReadRequestHeadAsync(CancellationToken.None);
        var (secondBody, _) = await input.ReadBodyAsync(second!, 100, CancellationToken.None);
        var (third, _) = await input.ReadRequestHeadAsync(CancellationToken.None);
        var (thirdBody, _) = await input.ReadBodyAsync(third!, 100, CancellationToken.None);
        var (end, endError) = await input.ReadRequestHeadAsync(CancellationToken.None);

        Assert.Equal(new[] { "/a", "/b", "/c" }, new[] { first!.Target, second!.Target, third!.Target });
        // Read after the later requests: each body is an array of its own, which the usage tap keeps without copying.
        Assert.Equal("hello", Encoding.ASCII.GetString(firstBody!));
        Assert.Equal("abcde", Encoding.ASCII.GetString(secondBody!));
        Assert.NotSame(firstBody, secondBody);
        Assert.Empty(thirdBody!);
        Assert.Null(end);
        Assert.False(endError.IsError);
    }

    [Fact]
    public async Task A_head_over_64_KiB_is_431_even_when_it_never_ends()
    {
        var wire = "GET / HTTP/1.1\r\nX-Big: " + new string('b', 70 * 1024);
        using var input = new ClientInput(new TrickleStream(Encoding.ASCII.GetBytes(wire), 8192));

        var (head, error) = await input.ReadRequestHeadAsync(CancellationToken.None);

        Assert.Null(head);
        Assert.Equal(431, error.StatusCode);
    }

    [Fact]
    public async Task A_connection_closed_inside_a_head_or_body_is_400()
    {
        using (var input = new ClientInput(new TrickleStream("GET / HTTP/1.1\r\nHost:"u8.ToArray(), 5)))
        {
            var (_, error) = await input.ReadRequestHeadAsync(CancellationToken.None);
            Assert.Equal(400, error.StatusCode);
        }

        using (var input = new ClientInput(new TrickleStream("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort"u8.ToArray(), 5)))
        {
            var (head, _) = await input.ReadRequestHeadAsync(CancellationToken.None);
            var (body, error) = await input.ReadBodyAsync(head!, 100, CancellationToken.None);
            Assert.Null(body);
            Assert.Equal(400, error.StatusCode);
        }
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_413_before_reading_the_body()
    {
        using var input = new ClientInput(new TrickleStream("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n"u8.ToArray(), 4096));

        var (head, _) = await input.ReadRequestHeadAsync(CancellationToken.None);
        var (body, error) = await input.ReadBodyAsync(head!, 100, CancellationToken.None);

        Assert.Null(body);
        Assert.Equal(413, error.StatusCode);
    }

    [Fact]
    public async Task The_watch_signals_a_client_that_hangs_up_and_keeps_pipelined_bytes()
    {
        var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        await using var reader = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, pipe.ClientSafePipeHandle);
        using var input = new ClientInput(reader);
        using var gone = new CancellationTokenSource();

        input.WatchForClientGone(gone);
        await pipe.WriteAsync("GET /next HTTP/1.1\r\n\r\n"u8.ToArray());
        var (next, _) = await input.ReadRequestHeadAsync(CancellationToken.None);
        Assert.Equal("/next", next!.Target);
        Assert.False(gone.IsCancellationRequested);

        input.WatchForClientGone(gone);
        await pipe.DisposeAsync();
        await Task.Delay(Timeout.Infinite, gone.Token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(gone.IsCancellationRequested);
    }

    /// <summary>Hands out at most <c>readSize</c> bytes per read, then end of stream.</summary>
    private sealed class TrickleStream : MemoryStream
    {
        private readonly int _readSize;

        public TrickleStream(byte[] data, int readSize)
            : base(data) => _readSize = readSize;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _readSize)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, _readSize), cancellationToken);
    }
}
