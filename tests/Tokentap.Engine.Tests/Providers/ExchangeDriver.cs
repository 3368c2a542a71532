// Drives a UsageObserver the way the proxy does, with hand-made requests, response heads, chunks and completions.
using System.Text;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Providers;

internal static class ExchangeDriver
{
    /// <summary>Request start used by the tests: 20:00 UTC, DeepSeek's off-peak hours.</summary>
    public static readonly DateTime Start = new(2026, 11, 22, 20, 0, 0, DateTimeKind.Utc);

    private static readonly Lazy<PriceTable> SharedPrices = new(PriceTable.Embedded);

    public static PriceTable Prices => SharedPrices.Value;

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] Fixture(string name) => File.ReadAllBytes(FixturePath(name));

    public static (UsageObserver Observer, CapturingSink Sink) NewObserver(UsageObserverOptions? options = null)
    {
        var sink = new CapturingSink();
        return (new UsageObserver(Prices, sink, options), sink);
    }

    public static ExchangeRequest Request(
        string host,
        string pathAndQuery,
        string body,
        string method = "POST",
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        bool webSocket = false,
        ExchangeTags? tags = null,
        string? declaredFormat = null) =>
        new(Encoding.UTF8.GetBytes(body))
        {
            Host = host,
            Port = 443,
            Method = method,
            PathAndQuery = pathAndQuery,
            Headers = new HeaderList(headers ?? Array.Empty<KeyValuePair<string, string>>()),
            Route = ProxyRoute.Connect,
            IsWebSocketUpgrade = webSocket,
            DeclaredFormat = declaredFormat,
            StartedUtc = Start,
            Tags = tags ?? ExchangeTags.None,
        };

    public static ExchangeResponseHead Head(int status, params (string Name, string Value)[] headers) => new()
    {
        StatusCode = status,
        Headers = new HeaderList(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))),
        TimeToFirstByteMs = 120,
    };

    public static ExchangeCompletion Completed(bool clientAborted = false, string? upstreamError = null, bool overflow = false) => new()
    {
        DurationMs = 850,
        ClientAborted = clientAborted,
        UpstreamError = upstreamError,
        ObserverOverflow = overflow,
    };

    /// <summary>Runs one HTTP exchange: head, body chunks, completion. Returns the events published.</summary>
    public static List<UsageEvent> Run(
        UsageObserver observer,
        CapturingSink sink,
        ExchangeRequest request,
        ExchangeResponseHead? head,
        IEnumerable<ReadOnlyMemory<byte>> chunks,
        ExchangeCompletion completion)
    {
        var before = sink.Events.Count;
        var tap = observer.BeginExchange(request);
        if (tap is null)
        {
            return new List<UsageEvent>();
        }

        if (head is not null)
        {
            tap.OnResponseHead(head);
            foreach (var chunk in chunks)
            {
                tap.OnResponseBody(chunk.Span);
            }
        }

        tap.OnCompleted(completion);
        return sink.Events.Skip(before).ToList();
    }

    /// <summary>Splits bytes at the given offsets.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Split(byte[] bytes, IEnumerable<int> cuts)
    {
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order())
        {
            yield return bytes.AsMemory(start, cut - start);
            start = cut;
        }

        yield return bytes.AsMemory(start);
    }

    /// <summary>Runs a WebSocket fixture ("> " client lines, "< " server lines). Returns the events published.</summary>
    public static List<UsageEvent> RunWebSocket(
        UsageObserver observer,
        CapturingSink sink,
        ExchangeRequest request,
        IEnumerable<(WebSocketMessageDirection Direction, byte[] Payload)> messages,
        ExchangeCompletion completion)
    {
        var before = sink.Events.Count;
        var tap = observer.BeginExchange(request);
        Assert.NotNull(tap);
        tap.OnResponseHead(Head(101, ("x-request-id", "req_upgrade_1")));
        foreach (var (direction, payload) in messages)
        {
            tap.OnWebSocketMessage(direction, isText: true, payload);
        }

        tap.OnCompleted(completion);
        return sink.Events.Skip(before).ToList();
    }

    public static List<(WebSocketMessageDirection Direction, byte[] Payload)> WebSocketMessages(string fixture) =>
        File.ReadAllLines(FixturePath(fixture))
            .Where(line => line.Length > 2)
            .Select(line => (line[0] == '>' ? WebSocketMessageDirection.ClientToServer : WebSocketMessageDirection.ServerToClient, Encoding.UTF8.GetBytes(line[2..])))
            .ToList();
}
