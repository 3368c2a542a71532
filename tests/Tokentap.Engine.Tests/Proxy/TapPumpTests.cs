// The tap pump on its own: decoding each Content-Encoding from arbitrary pieces, bounds, failures, and ordering.
using System.IO.Compression;
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class TapPumpTests
{
    private static readonly byte[] Plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"data: {{\"i\":{i}}}\n\n")));

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("deflate-raw")]
    [InlineData("br")]
    [InlineData("identity")]
    public async Task Decodes_the_body_whatever_the_piece_sizes(string encoding)
    {
        var encoded = Encode(encoding, Plain);
        foreach (var piece in new[] { 1, 7, 1000, 100000 })
        {
            var (exchange, pump, statistics) = Create();
            pump.PostHead(Head(), encoding == "deflate-raw" ? "deflate" : encoding);
            for (var i = 0; i < encoded.Length; i += piece)
            {
                pump.PostBody(encoded.AsSpan(i, Math.Min(piece, encoded.Length - i)));
            }

            pump.Complete(new ExchangeCompletion { DurationMs = 1, ResponseBytes = encoded.Length });
            var completion = await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Null(completion.DecodeError);
            Assert.Equal(Plain, exchange.Body);
            Assert.Equal(encoded.Length, completion.ResponseBytes);
            Assert.Equal(0, statistics.ObserverExceptions);
            Assert.False(exchange.ContractViolated);
        }
    }

    [Fact]
    public async Task Gzip_members_flushed_per_event_reach_the_tap_before_the_body_ends()
    {
        var (exchange, pump, _) = Create();
        pump.PostHead(Head(), "gzip");
        pump.PostBody(Encode("gzip", "data: one\n\n"u8.ToArray()));

        await WaitUntilAsync(() => exchange.BodyText == "data: one\n\n");
        pump.PostBody(Encode("gzip", "data: two\n\n"u8.ToArray()));
        pump.Complete(new ExchangeCompletion { DurationMs = 1 });

        await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("data: one\n\ndata: two\n\n", exchange.BodyText);
    }

    [Theory]
    [InlineData("zstd", "unsupported Content-Encoding 'zstd'")]
    [InlineData("gzip", "could not decode Content-Encoding 'gzip'")]
    public async Task Undecodable_bodies_are_reported_in_the_completion(string encoding, string message)
    {
        var (exchange, pump, _) = Create();
        pump.PostHead(Head(), encoding);
        pump.PostBody("this is not compressed at all"u8);
        pump.Complete(new ExchangeCompletion { DurationMs = 1 });

        var completion = await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith(message, completion.DecodeError, StringComparison.Ordinal);
        Assert.Empty(exchange.Body);
    }

    [Fact]
    public async Task Overflow_drops_later_pieces_and_is_flagged_once()
    {
        var observer = new RecordingObserver();
        using var gate = new ManualResetEventSlim(false);
        observer.OnBody = _ => gate.Wait(TimeSpan.FromSeconds(10));
        var (exchange, pump, statistics) = Create(observer, backlog: 4096);
        pump.PostHead(Head(), null);
        for (var i = 0; i < 100; i++)
        {
            pump.PostBody(new byte[1024]);
        }

        gate.Set();
        pump.Complete(new ExchangeCompletion { DurationMs = 1 });
        var completion = await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(completion.ObserverOverflow);
        Assert.InRange(exchange.Body.Length, 1024, 5 * 1024);
        Assert.Equal(1, statistics.Failures(ProxyFailureKind.ObserverOverflow));
    }

    [Fact]
    public async Task Completion_is_delivered_even_when_every_other_call_throws()
    {
        var observer = new RecordingObserver { OnBody = _ => throw new InvalidOperationException("boom") };
        var (exchange, pump, statistics) = Create(observer);
        pump.PostHead(Head(), null);
        pump.PostBody("a"u8);
        pump.PostBody("b"u8);
        pump.Complete(new ExchangeCompletion { DurationMs = 3, ClientAborted = true });
        pump.PostBody("after"u8);

        var completion = await exchange.Completed.WaitAsync(TimeSpan.FromSeconds(10));
        await pump.Completion;

        Assert.True(completion.ClientAborted);
        Assert.Equal(new[] { "head", "body", "completed" }, exchange.Calls);
        Assert.Equal(1, statistics.ObserverExceptions);
        Assert.Contains("OnResponseBody threw InvalidOperationException: boom", statistics.RecentFailures.Single().Message, StringComparison.Ordinal);
    }

    private static (RecordedExchange Exchange, TapPump Pump, ProxyStatistics Statistics) Create(RecordingObserver? observer = null, int backlog = 8 * 1024 * 1024)
    {
        observer ??= new RecordingObserver();
        var request = new ExchangeRequest(ReadOnlyMemory<byte>.Empty)
        {
            Host = "api.openai.com",
            Port = 443,
            Method = "POST",
            PathAndQuery = "/v1/responses",
            Headers = new HeaderList(),
            Route = ProxyRoute.Connect,
            StartedUtc = DateTime.UtcNow,
            Tags = ExchangeTags.None,
        };
        var exchange = (RecordedExchange)observer.BeginExchange(request)!;
        var statistics = new ProxyStatistics();
        return (exchange, new TapPump(exchange, statistics, backlog, "POST api.openai.com:443/v1/responses"), statistics);
    }

    private static ExchangeResponseHead Head() => new() { StatusCode = 200, Headers = new HeaderList(), TimeToFirstByteMs = 1 };

    private static byte[] Encode(string encoding, byte[] data)
    {
        using var output = new MemoryStream();
        Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate-raw" => new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new MemoryStream(),
        };
        if (encoding == "identity")
        {
            return data;
        }

        using (compressor)
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
