// One billed exchange under observation: feeds its parser and turns what it learned into usage events.
using Tokentap.Engine.Usage;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Tokenizing;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Drives the parser with the response and, at the end, builds the event: ids, attribution, rate limits, timings,
/// errors, and estimates for what the provider never reported. No method lets an exception out.
/// </summary>
internal sealed class UsageTap : IExchangeTap
{
    private readonly UsageObserver _observer;
    private readonly ApiRoute _route;
    private readonly string _host;
    private readonly DateTime _startedUtc;
    private readonly ExchangeTags _tags;
    // The client process is read from the request when an event is built: the proxy forwards without waiting for its
    // lookup, and the tap's worker waits for it before a WebSocket message or the completion.
    private readonly ExchangeRequest _request;
    private readonly string? _app;
    private readonly string? _appVersion;
    private readonly string? _headerSessionId;
    private RequestFacts? _facts;
    private string? _fingerprint;
    private readonly string _method;
    private readonly string _pathAndQuery;
    private readonly bool _webSocket;
    private readonly int _requestLength;
    private readonly IUsageParser _parser;
    // Made from the request's credentials only when an event has error text to store (most have none).
    private ErrorRedaction? _redaction;
    private readonly Action<UsageEvent>? _published;
    // The body as the client sent it (ExchangeRequest.ReceivedBody, never reused), kept up to MaxRequestBodyBytes for the
    // fingerprint, the facts and estimation; empty when not kept.
    private readonly ReadOnlyMemory<byte> _sentBody;
    private ExchangeResponseHead? _head;
    private bool _parserFailed;
    private bool _completed;

    /// <param name="facts">
    /// The body's facts, or null when the observer left them to the tap: then they are read from the kept body when the
    /// event is described, on the tap's worker, not on the client's path (a 200 KB agent request takes about 0.1 ms).
    /// </param>
    public UsageTap(UsageObserver observer, ApiRoute route, ExchangeRequest request, RequestFacts? facts, Action<UsageEvent>? published = null)
    {
        _observer = observer;
        _published = published;
        _route = route;
        _host = request.Host;
        _startedUtc = DateTime.SpecifyKind(request.StartedUtc, DateTimeKind.Utc);
        _tags = request.Tags ?? ExchangeTags.None;
        _request = request;
        (_app, _appVersion) = AppIdentifier.Identify(request.Headers);
        _headerSessionId = ExchangeHeaders.ClientSessionId(request.Headers);
        _facts = facts;
        _webSocket = request.IsWebSocketUpgrade;
        var body = request.ReceivedBody;
        _requestLength = body.Length;
        _method = request.Method;
        _pathAndQuery = request.PathAndQuery;
        var options = observer.Options;
        _parser = UsageParsers.Create(route, options, _webSocket ? PublishTurn : null);

        if (!body.IsEmpty && body.Length <= options.MaxRequestBodyBytes)
        {
            _sentBody = body;
        }
        else if (!_webSocket)
        {
            // A body not kept is fingerprinted now; a kept one later (RequestFingerprintOfSentBody), off the client's path.
            _fingerprint = RequestFingerprint.Compute(request.Method, request.PathAndQuery, body.Span);
        }

        // Facts left to the tap need the body later; one not kept is read now.
        _facts ??= _sentBody.IsEmpty ? RequestFacts.Read(body.Span) : null;
    }

    /// <summary>True once the body's facts were read (at the start only when the observer or a body not kept needed them).</summary>
    internal bool FactsRead => _facts is not null;

    // Read once, by the first description (the tap's worker); the kept body is the request's own array, never reused.
    private RequestFacts Facts => _facts ??= RequestFacts.Read(_sentBody.Span);

    public void OnResponseHead(ExchangeResponseHead head)
    {
        _head = head;
        try
        {
            _parser.OnResponseHead(head.StatusCode);
        }
        catch (Exception ex)
        {
            ParserFailed(ex);
        }
    }

    public void OnResponseBody(ReadOnlySpan<byte> decoded)
    {
        if (_parserFailed)
        {
            return;
        }

        try
        {
            _parser.Feed(decoded);
        }
        catch (Exception ex)
        {
            ParserFailed(ex);
        }
    }

    public void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload)
    {
        if (_parserFailed)
        {
            return;
        }

        try
        {
            _parser.OnWebSocketMessage(direction, isText, payload);
        }
        catch (Exception ex)
        {
            ParserFailed(ex);
        }
    }

    public void OnCompleted(ExchangeCompletion completion)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        try
        {
            if (!_parserFailed)
            {
                CompleteParser();
            }

            if (_webSocket && completion.Refusal is null)
            {
                // Turns were published as they ended; one still in flight ends here, cut short.
                if (_parser.TurnOpen)
                {
                    PublishEvent(Build(_parser.Report, completion, isTurn: true));
                }

                return;
            }

            PublishEvent(Build(_parser.Report, completion, isTurn: false));
        }
        catch (Exception ex)
        {
            _observer.RecordFailure("finishing usage capture", ex);
        }
        finally
        {
            _parser.Dispose();
        }
    }

    // On the body as the client sent it, before any rewrite (the kept one), on the tap's worker: hashing a large request
    // body (hundreds of KB for a long agent session) no longer delays forwarding it. A WebSocket's turns are
    // fingerprinted one by one instead.
    private string? RequestFingerprintOfSentBody() =>
        _webSocket ? null : _fingerprint ??= RequestFingerprint.Compute(_method, _pathAndQuery, _sentBody.Span);

    private void PublishTurn(UsageReport report) => PublishEvent(Build(report, null, isTurn: true));

    private void PublishEvent(UsageEvent usage)
    {
        try
        {
            _observer.Publish(usage);
            _published?.Invoke(usage);
        }
        catch (Exception ex)
        {
            _observer.RecordFailure("publishing a usage event", ex);
        }
    }

    private UsageEvent Build(UsageReport report, ExchangeCompletion? completion, bool isTurn)
    {
        var status = _head?.StatusCode ?? completion?.ProxyStatusCode ?? 0;
        var usage = Describe(report, status, isTurn);
        SetTimings(usage, report, completion, isTurn);
        var errors = new List<string>(2);
        var cut = CollectErrors(errors, report, completion, isTurn);
        usage.Blocked = completion?.Refusal is not null;
        if (status is >= 200 and < 300 or 101)
        {
            SetTokens(usage, report, errors, cut, isTurn);
        }
        else if (errors.Count == 0)
        {
            errors.Add(status == 0 ? "no response from upstream" : $"HTTP {status}");
        }

        usage.Error = errors.Count == 0 ? null : (_redaction ??= ErrorRedaction.For(_request)).Apply(string.Join("; ", errors));
        return usage;
    }

    // What the exchange (or turn) was and who made it: provider, model, status, attribution, ids, rate limits.
    private UsageEvent Describe(UsageReport report, int status, bool isTurn)
    {
        var head = _head;
        var client = _request.Client;
        var usage = new UsageEvent
        {
            Timestamp = isTurn && report.StartedUtc is { } turnStart ? turnStart : _startedUtc,
            Provider = _route.Provider,
            Host = _host,
            Endpoint = _route.Endpoint,
            RequestModel = (isTurn ? report.RequestModel : null) ?? Facts.Model ?? _route.UrlModel,
            Streaming = _webSocket || Facts.Stream || _route.StreamEndpoint || _parser.SawStream,
            StatusCode = status,
            App = _tags.App ?? _app,
            AppVersion = _tags.App is null || string.Equals(_tags.App, _app, StringComparison.OrdinalIgnoreCase) ? _appVersion : null,
            Session = _tags.Session,
            // Invoke-TokentapCommand's own Project wins over the one found from the client's working directory.
            Project = _tags.Project ?? client?.Project,
            ClientProcessId = client?.ProcessId,
            ClientProcessName = client?.ProcessName,
            ClientSessionId = _headerSessionId ?? Facts.SessionId,
            RequestFingerprint = !isTurn ? RequestFingerprintOfSentBody()
                : report.RequestBody is { } turnBody ? RequestFingerprint.Compute(_method, _pathAndQuery, turnBody) : null,
            // Every turn of a WebSocket shares the upgrade's request id; the response id keeps turns apart.
            RequestId = isTurn || head is null ? null : ExchangeHeaders.RequestId(head.Headers),
            MessageId = report.MessageId,
            StopReason = report.StopReason,
            RateLimits = head is null ? null : RateLimitReader.Read(head.Headers, new DateTimeOffset(_startedUtc).AddMilliseconds(head.TimeToFirstByteMs)),
        };
        usage.Model = report.Model ?? usage.RequestModel;
        return usage;
    }

    // A turn is timed from its own start; an exchange by the proxy.
    private void SetTimings(UsageEvent usage, UsageReport report, ExchangeCompletion? completion, bool isTurn)
    {
        if (isTurn)
        {
            usage.DurationMs = _observer.Options.Time.GetElapsedTime(report.StartedTimestamp).TotalMilliseconds;
            usage.TimeToFirstByteMs = report.TimeToFirstByteMs;
        }
        else
        {
            usage.DurationMs = completion?.DurationMs ?? 0;
            usage.TimeToFirstByteMs = _head?.TimeToFirstByteMs;
        }
    }

    // Adds what went wrong, in order; returns true when the response was cut short.
    private bool CollectErrors(List<string> errors, UsageReport report, ExchangeCompletion? completion, bool isTurn)
    {
        if (_parserFailed)
        {
            errors.Add("the usage parser failed; numbers may be incomplete");
        }

        if (report.Error is not null)
        {
            errors.Add(report.Error);
        }

        if (completion is null)
        {
            return isTurn && !report.Finished;
        }

        if (completion.Refusal is not null)
        {
            errors.Add("blocked by Tokentap: " + completion.Refusal);
        }

        var cut = false;
        if (completion.ClientAborted)
        {
            errors.Add("the client closed the connection before the response completed");
            cut = true;
        }

        if (completion.UpstreamError is not null)
        {
            errors.Add("upstream: " + completion.UpstreamError);
            cut = true;
        }

        if (completion.ObserverOverflow)
        {
            errors.Add("Tokentap fell behind reading this response; usage may be incomplete");
            cut = true;
        }

        if (completion.DecodeError is not null)
        {
            errors.Add("the response could not be decoded: " + completion.DecodeError);
            cut = true;
        }

        return cut;
    }

    // The token numbers of a successful response: as reported, clamped, estimated where the provider said nothing.
    private void SetTokens(UsageEvent usage, UsageReport report, List<string> errors, bool cut, bool isTurn)
    {
        usage.InputTokens = Math.Max(0, report.InputTokens);
        usage.CacheReadTokens = Math.Max(0, report.CacheReadTokens);
        usage.CacheWriteTokens = Math.Max(0, report.CacheWriteTokens);
        usage.CacheWrite1hTokens = Math.Clamp(report.CacheWrite1hTokens, 0, usage.CacheWriteTokens);
        usage.OutputTokens = Math.Max(0, report.OutputTokens);
        usage.ReasoningTokens = Math.Clamp(report.ReasoningTokens, 0, usage.OutputTokens);
        if (!report.Finished && !cut && errors.Count == 0)
        {
            errors.Add("the response ended before its final event");
        }

        if (!report.InputKnown || !report.OutputKnown)
        {
            if (errors.Count == 0)
            {
                errors.Add("the response carried no usage; tokens are estimated");
            }

            Estimate(report, usage, isTurn);
        }

        if (report.ReportedCost is { } reported)
        {
            usage.Cost = reported;
        }
    }

    // Estimates what the provider did not report: input from the request body, output from the streamed text.
    private void Estimate(UsageReport report, UsageEvent usage, bool isTurn)
    {
        var estimator = _observer.Options.Estimator;
        var encoding = TokenEstimator.EncodingForModel(usage.Model ?? usage.RequestModel);
        if (!report.InputKnown)
        {
            // A body not kept (too large) is estimated from its length.
            var body = isTurn ? report.RequestBody.AsMemory() : _sentBody;
            var length = isTurn ? report.RequestBody?.Length ?? 0 : _requestLength;
            usage.InputTokens = body.IsEmpty ? length / 4 : estimator.CountJsonText(body.Span, encoding);
            usage.CacheReadTokens = 0;
            usage.CacheWriteTokens = 0;
            usage.CacheWrite1hTokens = 0;
        }

        if (!report.OutputKnown)
        {
            var counted = report.Text.IsEmpty ? 0 : estimator.CountTokens(report.Text.Text, encoding) + report.Text.DroppedChars / 4;
            usage.OutputTokens = Math.Max(usage.OutputTokens, counted);
            usage.ReasoningTokens = Math.Min(usage.ReasoningTokens, usage.OutputTokens);
        }

        usage.Estimated = true;
    }

    private void CompleteParser()
    {
        try
        {
            _parser.Complete();
        }
        catch (Exception ex)
        {
            ParserFailed(ex);
        }
    }

    private void ParserFailed(Exception ex)
    {
        _parserFailed = true;
        _observer.RecordFailure($"parsing {_route.Endpoint} from {_host}", ex);
    }
}
