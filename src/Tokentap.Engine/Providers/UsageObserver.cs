// The proxy's usage observer: picks a parser per billed request, rewrites include_usage, and publishes priced events.
using System.Collections.Concurrent;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Plugs into the proxy as its <see cref="IExchangeObserver"/>. For each billed request (see <see cref="ApiRouter"/>)
/// it returns a tap that parses the response incrementally and, when the exchange ends (or, over a WebSocket, when
/// each turn ends), publishes one <see cref="UsageEvent"/> priced with the <see cref="PriceTable"/>. Non-billed
/// requests get no tap. Nothing of the request or response content, and no key or cookie, is kept in an event.
/// Requests to a host the user added that Tokentap cannot read are counted per host (<see cref="UnreadableHosts"/>)
/// and reported once per host as a failure, so such a host never vanishes silently.
/// </summary>
public sealed class UsageObserver : IExchangeObserver
{
    private readonly IUsageSink _sink;
    private readonly ConcurrentDictionary<string, long> _unreadable = new(StringComparer.OrdinalIgnoreCase);
    private long _failures;
    private long _rewrites;
    private string? _lastFailure;
    private IContentCapture? _contentCapture;

    public UsageObserver(PriceTable prices, IUsageSink sink, UsageObserverOptions? options = null)
    {
        Prices = prices;
        _sink = sink;
        Options = options ?? new UsageObserverOptions();
    }

    /// <summary>The prices events are costed with (drain its warnings for unknown models).</summary>
    public PriceTable Prices { get; }

    /// <summary>The options in force.</summary>
    public UsageObserverOptions Options { get; }

    /// <summary>How many times parsing or publishing failed unexpectedly (the exchanges themselves were unaffected).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The last unexpected failure, for status displays; null when none.</summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>Content capture while it is on (Start-Tokentap -CaptureContent or content.json); null: numbers only.</summary>
    internal IContentCapture? ContentCapture
    {
        get => Volatile.Read(ref _contentCapture);
        set => Volatile.Write(ref _contentCapture, value);
    }

    /// <summary>How many requests got stream_options.include_usage added.</summary>
    public long RewrittenRequests => Interlocked.Read(ref _rewrites);

    /// <summary>
    /// Hosts the user added whose requests (POSTs and WebSocket upgrades) matched neither a named wire format nor a
    /// known path shape, and hosts of requests routed to a wire format no parser reads, with how many; sorted by host.
    /// Non-billed calls to the built-in hosts are not counted.
    /// </summary>
    public IReadOnlyDictionary<string, long> UnreadableHosts =>
        new SortedDictionary<string, long>(_unreadable.ToDictionary(p => p.Key, p => p.Value), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Runs on the proxy path: routes by host and path, reads model and stream flag from the top level of the body,
    /// applies the include_usage rewrite, and keeps a bounded copy of the body for estimation.
    /// </summary>
    public IExchangeTap? BeginExchange(ExchangeRequest request)
    {
        try
        {
            var route = ApiRouter.Route(request.Host, request.Method, request.PathAndQuery, request.IsWebSocketUpgrade, request.DeclaredFormat);
            if (route is null)
            {
                CountIfUnreadable(request);
                return null;
            }

            return BeginExchange(request, route);
        }
        catch (Exception ex)
        {
            RecordFailure("starting usage capture", ex);
            return null;
        }
    }

    /// <summary>Starts capturing a request already routed to <paramref name="route"/>.</summary>
    internal IExchangeTap? BeginExchange(ExchangeRequest request, ApiRoute route)
    {
        try
        {
            if (!UsageParsers.Reads(route.Format))
            {
                CountUnreadable(request, $"no parser reads the wire format {route.Format}", advice: string.Empty);
                return null;
            }

            var body = request.ReceivedBody.Span;
            // Only the stream-usage rewrite needs the body's facts before the request goes upstream; otherwise the tap
            // reads them on its worker, after the response, and the client's request does not wait for a pass over it.
            RequestFacts? facts = request.IsWebSocketUpgrade ? RequestFacts.None : null;
            if (route.Format == WireFormat.OpenAiChat && route.AddsStreamUsage && Options.AddStreamUsage && facts is null)
            {
                facts = RequestFacts.Read(body);
                if (StreamUsageRewriter.AddIncludeUsage(body, facts) is { } rewritten)
                {
                    request.ReplaceBody(rewritten);
                    Interlocked.Increment(ref _rewrites);
                }
            }

            if (ContentCapture?.Begin(route, request) is not { } content)
            {
                return new UsageTap(this, route, request, facts);
            }

            return new CapturingTap(this, new UsageTap(this, route, request, facts, CapturingTap.Linker(this, content)), content);
        }
        catch (Exception ex)
        {
            RecordFailure("starting usage capture", ex);
            return null;
        }
    }

    /// <summary>Costs and publishes one event.</summary>
    internal void Publish(UsageEvent usage)
    {
        usage.Cost ??= Prices.Cost(usage);
        _sink.Publish(usage);
    }

    internal void RecordFailure(string what, Exception ex) => RecordFailure($"{what}: {ex.GetType().Name}: {ex.Message}");

    private void RecordFailure(string message)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _lastFailure, $"{DateTime.UtcNow:O} {message}");
    }

    // A POST (or WebSocket upgrade) to a host the user added that no format or path shape explains: the user wanted it
    // read, so it is counted, and the first one per host says how to name its format.
    private void CountIfUnreadable(ExchangeRequest request)
    {
        var billable = request.IsWebSocketUpgrade || string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase);
        if (!billable || ApiRouter.IsBuiltInHost(request.Host))
        {
            return;
        }

        var why = request.DeclaredFormat is { } declared && !WireFormatNames.TryParse(declared, out _)
            ? $"the wire format '{declared}' is not one Tokentap reads"
            : request.DeclaredFormat is null ? "no wire format was named and the path has no known shape" : "the request does not fit the named wire format";
        var host = NormalizedHost(request);
        CountUnreadable(
            request,
            why,
            $" Name the format the host speaks: Start-Tokentap -InterceptHost '{host}=<format>' with one of {string.Join(", ", WireFormatNames.Names)}.");
    }

    // Counts a request no parser reads; the first one per host is reported as a failure saying why.
    private void CountUnreadable(ExchangeRequest request, string why, string advice)
    {
        var host = NormalizedHost(request);
        if (_unreadable.AddOrUpdate(host, 1, static (_, count) => count + 1) != 1)
        {
            return;
        }

        var question = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? request.PathAndQuery : request.PathAndQuery[..question];
        RecordFailure($"{host}: {request.Method} {path} could not be read ({why}); no usage is recorded for it.{advice}");
    }

    private static string NormalizedHost(ExchangeRequest request) => request.Host.TrimEnd('.').ToLowerInvariant();
}
