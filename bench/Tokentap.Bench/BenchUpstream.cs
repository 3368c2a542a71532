// The loopback HTTPS upstream every proxy benchmark path talks to: Kestrel emulating the Anthropic Messages API.
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Tokentap.Bench;

/// <summary>
/// POST /v1/messages answered by the x-bench request header: "small" a 600-byte JSON message with usage, "sse" an
/// Anthropic stream of <see cref="SseEvents"/> events <see cref="SseInterval"/> apart (scheduled on absolute times, so
/// the upstream does not drift), "first" the same stream without deltas, "big" a stream of at least x-bench-bytes bytes in 16 KiB text deltas, as fast as
/// the client reads. Nothing is recorded per request, so the upstream costs the same on every path.
/// </summary>
internal sealed class BenchUpstream : IAsyncDisposable
{
    public const int SseEvents = 1000;
    public static readonly TimeSpan SseInterval = TimeSpan.FromMilliseconds(5);
    public const string Model = "claude-sonnet-4-5";

    private static long _responses;

    // MSGID is replaced by the message id: every response has its own, as a provider's do (a store keeps one event per id).
    private static readonly string SmallBody = (
        $$$"""{"id":"MSGID","type":"message","role":"assistant","model":"{{{Model}}}","content":[{"type":"text","text":"Benchmarks measure what users feel: the latency a proxy adds, the chunks it holds back and the memory it needs."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1200,"cache_creation_input_tokens":0,"cache_read_input_tokens":3000,"output_tokens":42,"service_tier":"standard"}}""");

    private static readonly string MessageStart = (
        $$$$"""
        event: message_start
        data: {"type":"message_start","message":{"id":"MSGID","type":"message","role":"assistant","model":"{{{{Model}}}}","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1200,"cache_creation_input_tokens":0,"cache_read_input_tokens":3000,"output_tokens":1}}}


        """).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static readonly byte[] Delta = Encoding.UTF8.GetBytes(
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" token\"}}\n\n");

    private static readonly byte[] BigChunk = BuildBigChunk();

    private readonly WebApplication _app;

    private BenchUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<BenchUpstream> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(certificate);
            });
        });

        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        return new BenchUpstream(app, new Uri(app.Urls.First()).Port);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }

    /// <summary>The body of a "small" answer with its message id.</summary>
    internal static byte[] SmallResponse(string id) => Encoding.UTF8.GetBytes(SmallBody.Replace("MSGID", id, StringComparison.Ordinal));

    private static async Task HandleAsync(HttpContext context)
    {
        // Read the request body whole, as a provider does before it answers.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        var response = context.Response;
        var id = Interlocked.Increment(ref _responses).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["request-id"] = "req_bench_" + id;
        response.Headers["anthropic-ratelimit-requests-remaining"] = "3999";
        switch (context.Request.Headers["x-bench"].ToString())
        {
            case "small":
                var body = SmallResponse("msg_bench_" + id);
                response.ContentType = "application/json";
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, context.RequestAborted);
                break;
            case "sse":
                await StreamAsync(context, "msg_bench_" + id, 0);
                break;
            case "first":
                await StreamAsync(context, "msg_bench_" + id, -1);
                break;
            case "big":
                await StreamAsync(context, "msg_bench_" + id, long.Parse(context.Request.Headers["x-bench-bytes"].ToString(), System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                response.StatusCode = 400;
                break;
        }
    }

    // bytes = 0: the paced stream of SseEvents events; -1: no deltas; otherwise at least that many bytes as fast as they go.
    private static async Task StreamAsync(HttpContext context, string id, long bytes)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(aborted);
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(MessageStart.Replace("MSGID", id, StringComparison.Ordinal)), aborted);
        await response.Body.FlushAsync(aborted);
        long output;
        if (bytes == 0)
        {
            // Paced on a thread of its own, so the gaps do not depend on the thread pool or the timer's granularity.
            await Task.Factory.StartNew(() => Pace(response.Body, aborted), aborted, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            output = SseEvents - 3;
        }
        else if (bytes < 0)
        {
            output = 0;
        }
        else
        {
            long sent = 0;
            for (; sent < bytes; sent += BigChunk.Length)
            {
                await response.Body.WriteAsync(BigChunk, aborted);
            }

            output = sent / BigChunk.Length * 4;
        }

        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(
            $"event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{output}}}}}\n\n"), aborted);
        await response.Body.FlushAsync(aborted);
        if (bytes == 0)
        {
            await Task.Delay(SseInterval, aborted);
        }

        await response.Body.WriteAsync("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"u8.ToArray(), aborted);
        await response.Body.FlushAsync(aborted);
    }

    private static void Pace(Stream body, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 1; i <= SseEvents - 3; i++)
        {
            // Sleep to a millisecond before the event's time, then spin: sub-millisecond accuracy on absolute times.
            var due = SseInterval * i;
            var wait = due - Stopwatch.GetElapsedTime(start) - TimeSpan.FromMilliseconds(1);
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }

            while (Stopwatch.GetElapsedTime(start) < due)
            {
                Thread.SpinWait(20);
            }

            body.WriteAsync(Delta, cancellationToken).AsTask().GetAwaiter().GetResult();
            body.FlushAsync(cancellationToken).GetAwaiter().GetResult();
        }

        Thread.Sleep(SseInterval);
    }

    private static byte[] BuildBigChunk()
    {
        // Four text deltas of 16,000 characters each: 64 KiB per write.
        var text = new string('x', 16_000);
        var one = $"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{text}\"}}}}\n\n";
        return Encoding.UTF8.GetBytes(string.Concat(one, one, one, one));
    }
}
