// A 50 MB request body costs content capture no more memory than its per-request cap: nothing of it is copied.
using System.Text;
using Tokentap.Engine.Content;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Content;

public sealed class ContentMemoryTests : IDisposable
{
    private const int FiftyMegabytes = 50 * 1024 * 1024;
    private readonly string _home = Directory.CreateTempSubdirectory("tt-content-memory-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Theory]
    [InlineData("image")]
    [InlineData("text")]
    public async Task A_50_MB_request_body_allocates_less_than_the_per_request_cap(string shape)
    {
        var body = Body(shape);
        using var capture = new ContentCapture(ContentStore.In(new TokentapPaths(_home)), ContentSettings.Default with { Enabled = true });
        var route = new ApiRoute("anthropic", "messages", WireFormat.AnthropicMessages);

        // The first capture pays for loading and compiling; the second shows what each request costs.
        capture.Begin(route, Request(body))!.OnPublished(new UsageEvent { Provider = "anthropic", Endpoint = "messages", Timestamp = DateTime.UtcNow });
        var exchange = capture.Begin(route, Request(body))!;
        var usage = new UsageEvent { Provider = "anthropic", Endpoint = "messages", Timestamp = DateTime.UtcNow };

        var before = GC.GetAllocatedBytesForCurrentThread();
        exchange.OnPublished(usage);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        exchange.Dispose();
        await capture.Writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(allocated < ContentCapture.MaxRequestBytes, $"capturing a {body.Length:N0} byte body allocated {allocated:N0} bytes");
        var record = capture.Store.Read(usage.Id)!;
        Assert.True(record.RequestJson.Length < ContentCapture.MaxRequestBytes / 2, $"{record.RequestJson.Length:N0} characters stored");
        Assert.Equal(shape == "text", record.Truncated);
        Assert.Contains(shape == "image" ? "\"data\":\"[image/png base64, 37.5 MB omitted]\"" : "\"content\":\"Summarize this log:\\nxxxx", record.RequestJson, StringComparison.Ordinal);
        Assert.Equal(shape == "text", record.RequestJson.Contains(" MB more omitted]", StringComparison.Ordinal));
    }

    private static byte[] Body(string shape)
    {
        var (prefix, suffix, fill) = shape == "image"
            ? ("""{"model":"claude-opus-4-8","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo""", "\"}}]}]}", (byte)'A')
            : ("""{"model":"claude-opus-4-8","messages":[{"role":"user","content":"Summarize this log:\n""", "\"}]}", (byte)'x');
        var body = new byte[FiftyMegabytes];
        Encoding.ASCII.GetBytes(prefix).CopyTo(body, 0);
        body.AsSpan(prefix.Length, body.Length - prefix.Length - suffix.Length).Fill(fill);
        Encoding.ASCII.GetBytes(suffix).CopyTo(body, body.Length - suffix.Length);
        return body;
    }

    private static ExchangeRequest Request(byte[] body) => new(body)
    {
        Host = "api.anthropic.com",
        Port = 443,
        Method = "POST",
        PathAndQuery = "/v1/messages",
        Headers = new HeaderList(),
        Route = ProxyRoute.Connect,
        StartedUtc = DateTime.UtcNow,
        Tags = ExchangeTags.None,
    };
}
