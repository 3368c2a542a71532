// The proxy's usage observer: picks a parser per billed request, rewrites include_usage, and publishes priced events.
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Plugs into the proxy as its <see cref="IExchangeObserver"/>. For each billed request (see <see cref="ApiRouter"/>)
/// it returns a tap that parses the response incrementally and, when the exchange ends (or, over a WebSocket, when
/// each turn ends), publishes one <see cref="UsageEvent"/> priced with the <see cref="PriceTable"/>. Non-billed
/// requests get no tap. Nothing of the request or response content, and no key or cookie, is kept in an event.
/// </summary>
public sealed class UsageObserver : IExchangeObserver
{
    private readonly IUsageSink _sink;
    private long _failures;
    private long _rewrites;
    private string? _lastFailure;

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

    /// <summary>How many requests got stream_options.include_usage added.</summary>
    public long RewrittenRequests => Interlocked.Read(ref _rewrites);

    /// <summary>
    /// Runs on the proxy path: routes by host and path, reads model and stream flag from the top level of the body,
    /// applies the include_usage rewrite, and keeps a bounded copy of the body for estimation.
    /// </summary>
    public IExchangeTap? BeginExchange(ExchangeRequest request)
    {
        try
        {
            var route = ApiRouter.Route(request.Host, request.Method, request.PathAndQuery, request.IsWebSocketUpgrade);
            if (route is null)
            {
                return null;
            }

            var body = request.Body.Span;
            var facts = request.IsWebSocketUpgrade ? RequestFacts.None : RequestFacts.Read(body);
            if (route.Format == WireFormat.OpenAiChat && route.AddsStreamUsage && Options.AddStreamUsage
                && StreamUsageRewriter.AddIncludeUsage(body, facts) is { } rewritten)
            {
                request.ReplaceBody(rewritten);
                Interlocked.Increment(ref _rewrites);
            }

            return new UsageTap(this, route, request, facts, body);
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

    internal void RecordFailure(string what, Exception ex)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _lastFailure, $"{DateTime.UtcNow:O} {what}: {ex.GetType().Name}: {ex.Message}");
    }
}
