// A client that read the whole response and then hung up is not a client abort: many runs of every framing, and curl.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tokentap.Engine.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

/// <summary>
/// Each exchange: a raw client sends one request through the base-URL route, reads until it holds every byte the
/// upstream sent and closes at once, racing the proxy's next upstream read. Every run must end as a complete exchange.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class ProxyClientCloseTests
{
    private const int Runs = 1000;
    private const string SmallJson = "{\"id\":\"chatcmpl-1\",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}";

    private static readonly string[] ChunkedParts = { "{\"part\":1,", "\"part\":2,", "\"part\":3}" };

    private static readonly string[] SseEvents =
    {
        "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}\n\n",
        "data: [DONE]\n\n",
    };

    private readonly ProxyTestEnvironment _env;

    public ProxyClientCloseTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task A_client_closing_right_after_a_small_content_length_body_is_never_an_abort()
    {
        _env.Upstream.Map("POST", "/v1/close-after-json", MockResponses.Json(SmallJson));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));

        for (var run = 0; run < Runs; run++)
        {
            await using (var client = await RawHttpConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port)))
            {
                await client.SendAsync(Request("/openai/v1/close-after-json"));
                var response = await client.ReadResponseAsync();
                Assert.Equal(SmallJson, Encoding.UTF8.GetString(response!.Body));
            }

            await AssertCompleteAsync(observer, run, SmallJson.Length);
        }

        Assert.Equal(0, proxy.Statistics.Failures(ProxyFailureKind.ClientAborted));
    }

    [Fact]
    public async Task A_client_closing_right_after_the_last_chunk_is_never_an_abort()
    {
        _env.Upstream.Map("POST", "/v1/close-after-chunks", async context =>
        {
            context.Status(200).Header("Content-Type", "application/json");
            foreach (var part in ChunkedParts)
            {
                await context.WriteAsync(part);
            }
        });
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        var expected = string.Concat(ChunkedParts);

        for (var run = 0; run < Runs; run++)
        {
            await using (var client = await RawHttpConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port)))
            {
                await client.SendAsync(Request("/openai/v1/close-after-chunks"));
                var response = await client.ReadResponseAsync();
                Assert.Equal(expected, Encoding.UTF8.GetString(response!.Body));
            }

            await AssertCompleteAsync(observer, run, expected.Length);
        }

        Assert.Equal(0, proxy.Statistics.Failures(ProxyFailureKind.ClientAborted));
    }

    [Fact]
    public async Task A_client_closing_after_the_last_event_of_a_stream_before_its_end_marker_is_never_an_abort()
    {
        _env.Upstream.Map("POST", "/v1/close-after-sse", async context =>
        {
            context.Status(200).Header("Content-Type", "text/event-stream");
            foreach (var sse in SseEvents)
            {
                await context.WriteAsync(sse);
            }
        });
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        var expected = string.Concat(SseEvents);

        for (var run = 0; run < Runs; run++)
        {
            // Like an SDK that stops at [DONE]: it hangs up as soon as the last event is in, before the 0-size chunk.
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
            {
                await socket.ConnectAsync(IPAddress.Loopback, proxy.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes(Request("/openai/v1/close-after-sse")));
                var received = new StringBuilder();
                var buffer = new byte[4096];
                while (!received.ToString().Contains("data: [DONE]\n\n", StringComparison.Ordinal))
                {
                    var n = await socket.ReceiveAsync(buffer);
                    Assert.True(n > 0, $"run {run}: the proxy closed before the last event");
                    received.Append(Encoding.Latin1.GetString(buffer, 0, n));
                }
            }

            await AssertCompleteAsync(observer, run, expected.Length);
        }

        Assert.Equal(0, proxy.Statistics.Failures(ProxyFailureKind.ClientAborted));
    }

    [Fact]
    public async Task Curl_runs_of_several_requests_that_close_after_the_last_response_record_no_abort()
    {
        _env.Upstream.Map("POST", "/v1/curl-close", MockResponses.Json(SmallJson));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        var environment = new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = proxy.ProxyUri.ToString(),
            ["CURL_CA_BUNDLE"] = _env.Ca.BundlePath,
        };
        const int curlRuns = 40;
        const int requestsPerRun = 3;

        for (var run = 0; run < curlRuns; run++)
        {
            var arguments = new List<string>();
            for (var i = 0; i < requestsPerRun; i++)
            {
                arguments.AddRange(new[] { "-X", "POST", "--data", "{}", "https://api.openai.com/v1/curl-close" });
                if (i < requestsPerRun - 1)
                {
                    arguments.Add("--next");
                }
            }

            var (exitCode, output, error) = await CurlProcess.RunAsync(environment, arguments.ToArray());
            Assert.True(exitCode == 0, $"curl exited {exitCode}: {error}");
            Assert.Equal(string.Concat(Enumerable.Repeat(SmallJson, requestsPerRun)), output);
            for (var i = 0; i < requestsPerRun; i++)
            {
                await AssertCompleteAsync(observer, run * requestsPerRun + i, SmallJson.Length);
            }
        }

        Assert.Equal(0, proxy.Statistics.Failures(ProxyFailureKind.ClientAborted));
    }

    private static string Request(string path) =>
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}";

    private static async Task AssertCompleteAsync(RecordingObserver observer, int run, int bodyLength)
    {
        var exchange = await observer.NextCompletedAsync();
        var completion = exchange.Completion!;
        Assert.True(!completion.ClientAborted, $"run {run}: recorded as aborted by the client");
        Assert.Null(completion.UpstreamError);
        Assert.Equal(bodyLength, completion.ResponseBytes);
        Assert.Equal(bodyLength, exchange.Body.Length);
    }
}
