// One request/response exchange: read the body, let the observer see (and maybe rewrite) it, forward it upstream,
// stream the response to the client as it arrives, and give the observer a copy; WebSocket upgrades are relayed.
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Tokentap.Engine.Clients;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// Forwards one exchange: reads the request, sends it upstream and hands the response to a <see cref="ResponseRelay"/>
/// (or relays a WebSocket upgrade); failures before a response are answered in the proxy's own error format.
/// </summary>
internal sealed class ExchangeForwarder
{
    private readonly ProxyContext _context;
    private readonly ClientProcessLookup _client;

    public ExchangeForwarder(ProxyContext context, ClientProcessLookup client)
    {
        _context = context;
        _client = client;
    }

    /// <summary>Runs the exchange; returns true when the client connection may serve another request.</summary>
    public async Task<bool> ForwardAsync(Stream client, ClientInput input, HttpRequestHead head, ExchangeTarget target, long startedTimestamp, DateTime startedUtc)
    {
        var options = _context.Options;
        var statistics = _context.Statistics;
        var abort = _context.Abort;
        statistics.ExchangeStarted(target.Observed);
        var label = $"{head.Method} {target.Authority}{TrimForLabel(target.PathAndQuery)}";

        // The go-ahead is only given for a body that will be accepted; an oversized one is refused (413) unread.
        var bodyTooLarge = head.BodyFraming == RequestBodyFraming.ContentLength && head.ContentLength > options.MaxRequestBodyBytes;
        if (head.ExpectsContinue && head.BodyFraming != RequestBodyFraming.None && !bodyTooLarge)
        {
            await client.WriteAsync(ProxyResponses.Continue, abort).ConfigureAwait(false);
        }

        // Started here at the latest (at the CONNECT for a tunnel), on a thread of its own. The request goes upstream
        // without waiting for it unless a gate needs it; only the write that completes the response waits for it (the
        // client is then still waiting, so still there to be found), and the tap's worker before recording.
        var clientLookup = target.Observed ? _client.GetAsync() : null;
        var (body, bodyError) = await input.ReadBodyAsync(head, options.MaxRequestBodyBytes, abort).ConfigureAwait(false);
        var isUpgrade = head.IsWebSocketUpgrade;
        var request = CreateRequest(head, target, body ?? Array.Empty<byte>(), startedUtc, clientLookup);

        var observed = new ObservedExchange(target.Observed ? BeginObserving(request, label) : null, label, startedTimestamp);
        if (bodyError.IsError)
        {
            statistics.Record(ProxyFailureKind.MalformedRequest, $"{label}: {bodyError.StatusCode} {bodyError.Message}");
            await ProxyResponses.TryWriteErrorAsync(client, bodyError.StatusCode, bodyError.Message, close: true, abort).ConfigureAwait(false);
            observed.Pump?.Complete(new ExchangeCompletion
            {
                DurationMs = observed.ElapsedMs,
                ProxyStatusCode = bodyError.StatusCode,
                UpstreamError = "request refused: " + bodyError.Message,
            });
            return false;
        }

        if (target.Observed && clientLookup is { IsCompleted: false } && GatesNeedClientProcess(request, label))
        {
            await clientLookup.ConfigureAwait(false);
        }

        if (target.Observed && CheckGates(request, label) is { } refusal)
        {
            var answered = await ProxyResponses.TryWriteRefusalAsync(client, refusal, close: !head.KeepAlive || _context.IsStopping, abort).ConfigureAwait(false);
            observed.Pump?.Complete(new ExchangeCompletion
            {
                DurationMs = observed.ElapsedMs,
                ProxyStatusCode = refusal.StatusCode,
                Refusal = refusal.Reason,
            });
            return answered && head.KeepAlive && !_context.IsStopping;
        }

        var uri = _context.Upstream.ResolveTarget(target.Scheme, target.Host, target.Port, target.PathAndQuery);
        using var message = BuildUpstreamRequest(head, request.Body, uri, target.Observed, isUpgrade);

        using var clientGone = new CancellationTokenSource();
        using var exchange = CancellationTokenSource.CreateLinkedTokenSource(abort, clientGone.Token);
        using var headersTimeout = CancellationTokenSource.CreateLinkedTokenSource(exchange.Token);
        headersTimeout.CancelAfter(options.UpstreamResponseHeadersTimeout);
        if (!isUpgrade)
        {
            input.WatchForClientGone(clientGone);
        }

        HttpResponseMessage response;
        try
        {
            response = await _context.Upstream.Invoker.SendAsync(message, headersTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or AuthenticationException or SocketException)
        {
            return await FailBeforeResponseAsync(client, ex, target, uri, observed, clientGone, headersTimeout).ConfigureAwait(false);
        }

        using (response)
        {
            var ttfbMs = observed.ElapsedMs;
            var statusCode = (int)response.StatusCode;
            if (isUpgrade && statusCode == 101)
            {
                return await RelayUpgradeAsync(client, input, response, observed, ttfbMs, exchange.Token).ConfigureAwait(false);
            }

            var framing = ChooseFraming(head, response);
            var keepAlive = head.KeepAlive && framing != ResponseFraming.CloseDelimited && !_context.IsStopping;
            var relay = new ResponseRelay(_context, client, observed, clientGone, response, framing, clientLookup);
            return await relay.RunAsync(keepAlive, ttfbMs, exchange.Token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records a request refused before forwarding (a framing error such as 501) on an observed route, so the observer
    /// still gets an exchange with the status the proxy answered.
    /// </summary>
    public void RecordRefusal(HttpRequestHead head, ExchangeTarget target, HttpParseError error, long startedTimestamp, DateTime startedUtc)
    {
        var label = $"{head.Method} {target.Authority}{TrimForLabel(target.PathAndQuery)}";
        _context.Statistics.ExchangeStarted(observed: true);
        var request = CreateRequest(head, target, Array.Empty<byte>(), startedUtc, _client.Started);
        BeginObserving(request, label)?.Complete(new ExchangeCompletion
        {
            DurationMs = Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds,
            ProxyStatusCode = error.StatusCode,
            UpstreamError = "request refused: " + error.Message,
        });
    }

    private ExchangeRequest CreateRequest(HttpRequestHead head, ExchangeTarget target, byte[] body, DateTime startedUtc, Task<ClientProcess?>? clientLookup) =>
        new(body)
        {
            Host = target.Host,
            Port = target.Port,
            Method = head.Method,
            PathAndQuery = target.PathAndQuery,
            Headers = head.Headers,
            Route = target.Route,
            DeclaredFormat = target.Route == ProxyRoute.BaseUrl ? null : _context.Options.InterceptHosts.DeclaredFormat(target.Host),
            IsWebSocketUpgrade = head.IsWebSocketUpgrade,
            StartedUtc = startedUtc,
            Tags = _context.Options.Tags,
            ClientLookup = clientLookup,
        };

    // A gate that throws here is waited for, as one that needs the client process would be; the failure is recorded.
    private bool GatesNeedClientProcess(ExchangeRequest request, string label)
    {
        foreach (var gate in _context.Options.Gates)
        {
            try
            {
                if (gate.NeedsClientProcess(request))
                {
                    return true;
                }
            }
            catch (Exception ex)
            {
                _context.Statistics.Record(ProxyFailureKind.GateException, $"{label}: {gate.GetType().Name}.NeedsClientProcess threw {ex.GetType().Name}: {ex.Message}");
                return true;
            }
        }

        return false;
    }

    // The first gate that refuses wins; a gate that throws is recorded and passed over, so a broken gate never breaks traffic.
    private GateRefusal? CheckGates(ExchangeRequest request, string label)
    {
        foreach (var gate in _context.Options.Gates)
        {
            try
            {
                if (gate.Check(request) is { } refusal)
                {
                    return refusal;
                }
            }
            catch (Exception ex)
            {
                _context.Statistics.Record(ProxyFailureKind.GateException, $"{label}: {gate.GetType().Name} threw {ex.GetType().Name}: {ex.Message}");
            }
        }

        return null;
    }

    private TapPump? BeginObserving(ExchangeRequest request, string label)
    {
        var observer = _context.Options.Observer;
        if (observer is null)
        {
            return null;
        }

        IExchangeTap? tap;
        try
        {
            tap = observer.BeginExchange(request);
        }
        catch (Exception ex)
        {
            _context.Statistics.Record(ProxyFailureKind.ObserverException, $"{label}: BeginExchange threw {ex.GetType().Name}: {ex.Message}");
            return null;
        }

        if (tap is null)
        {
            return null;
        }

        var pump = new TapPump(tap, _context.Statistics, _context.Options.ObserverBacklogBytes, label, request.ClientLookup);
        _context.Track(pump.Completion);
        return pump;
    }

    private static HttpRequestMessage BuildUpstreamRequest(HttpRequestHead head, ReadOnlyMemory<byte> body, Uri uri, bool observed, bool isUpgrade)
    {
        var message = new HttpRequestMessage(new HttpMethod(head.Method), uri)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        string? connection = null;
        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connection = connection is null ? value : connection + "," + value;
            }
        }

        List<KeyValuePair<string, string>>? contentHeaders = null;
        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Expect", StringComparison.OrdinalIgnoreCase)
                || HopByHopHeaders.IsHopByHop(name, connection, keepUpgrade: isUpgrade))
            {
                continue;
            }

            var forwarded = value;
            if (observed && name.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                forwarded = AcceptEncodingFilter.Narrow(value);
                if (forwarded is null)
                {
                    continue;
                }
            }

            // Without a negotiated extension (permessage-deflate) the frames stay uncompressed, so the observer can read
            // them; clients treat the extension as optional and carry on without it.
            if (observed && isUpgrade && name.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, forwarded))
            {
                (contentHeaders ??= new List<KeyValuePair<string, string>>()).Add(new(name, forwarded));
            }
        }

        if (isUpgrade)
        {
            message.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        }

        if (!body.IsEmpty || head.BodyFraming != RequestBodyFraming.None || contentHeaders is not null)
        {
            var content = new ReadOnlyMemoryContent(body);
            if (contentHeaders is not null)
            {
                foreach (var (name, value) in contentHeaders)
                {
                    content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            message.Content = content;
        }

        return message;
    }

    private async Task<bool> FailBeforeResponseAsync(
        Stream client,
        Exception exception,
        ExchangeTarget target,
        Uri uri,
        ObservedExchange observed,
        CancellationTokenSource clientGone,
        CancellationTokenSource headersTimeout)
    {
        var statistics = _context.Statistics;
        var via = uri.Host.Equals(target.Host, StringComparison.OrdinalIgnoreCase) ? string.Empty : $" (via {uri.GetLeftPart(UriPartial.Authority)})";
        int status;
        string error;
        if (clientGone.IsCancellationRequested)
        {
            statistics.Count(ProxyFailureKind.ClientAborted);
            observed.Pump?.Complete(new ExchangeCompletion { DurationMs = observed.ElapsedMs, ClientAborted = true, UpstreamError = "the client went away before the response started" });
            return false;
        }

        if (_context.Abort.IsCancellationRequested)
        {
            status = 503;
            error = "the proxy stopped before the upstream answered";
            statistics.Record(ProxyFailureKind.UpstreamCut, $"{observed.Label}: {error}");
        }
        else if (exception is OperationCanceledException && headersTimeout.IsCancellationRequested)
        {
            status = 504;
            var seconds = _context.Options.UpstreamResponseHeadersTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            error = $"{target.Authority}{via} sent no response headers within {seconds} s";
            statistics.Record(ProxyFailureKind.UpstreamTimeout, $"{observed.Label}: {error}");
        }
        else if (FindInner<AuthenticationException>(exception) is not null)
        {
            status = 502;
            var reason = _context.Upstream.TakeCertificateRejection(uri.IdnHost)
                ?? FindInner<AuthenticationException>(exception)!.Message;
            error = $"the certificate of {target.Authority}{via} was rejected: {reason}; nothing was sent";
            statistics.Record(ProxyFailureKind.UpstreamCertificate, $"{observed.Label}: {error}");
        }
        else
        {
            status = 502;
            error = $"could not reach {target.Authority}{via}: {DescribeConnectFailure(exception)}";
            statistics.Record(ProxyFailureKind.UpstreamUnreachable, $"{observed.Label}: {error}");
        }

        var written = await ProxyResponses.TryWriteErrorAsync(client, status, error, close: _context.IsStopping, _context.Abort).ConfigureAwait(false);
        observed.Pump?.Complete(new ExchangeCompletion { DurationMs = observed.ElapsedMs, ProxyStatusCode = status, UpstreamError = error });
        return written && !_context.IsStopping;
    }

    private static ResponseFraming ChooseFraming(HttpRequestHead head, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (head.Method == "HEAD" || status is 204 or 304 || status < 200)
        {
            return ResponseFraming.None;
        }

        if (response.Content.Headers.NonValidated.TryGetValues("Content-Length", out _) && response.Headers.TransferEncodingChunked != true)
        {
            return ResponseFraming.ContentLength;
        }

        return head.MinorVersion >= 1 ? ResponseFraming.Chunked : ResponseFraming.CloseDelimited;
    }

    private async Task<bool> RelayUpgradeAsync(
        Stream client,
        ClientInput input,
        HttpResponseMessage response,
        ObservedExchange observed,
        double ttfbMs,
        CancellationToken cancellationToken)
    {
        var pump = observed.Pump;
        var collect = pump is null ? null : new HeaderList();
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        long serverToClient = 0;
        string? upstreamError = null;
        try
        {
            var headLength = ResponseHeadWriter.Write(ref buffer, 0, response, chunked: false, close: false, keepUpgrade: true, collect);
            pump?.PostHead(new ExchangeResponseHead { StatusCode = 101, Headers = collect!, TimeToFirstByteMs = ttfbMs }, null);
            var upstream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await client.WriteAsync(buffer.AsMemory(0, headLength), cancellationToken).ConfigureAwait(false);
            if (input.BufferedCount > 0)
            {
                // Frames the client sent right behind its upgrade request (tapped first, as the relay does).
                pump?.PostWebSocket(WebSocketMessageDirection.ClientToServer, input.Buffered);
                await upstream.WriteAsync(input.BufferedMemory, cancellationToken).ConfigureAwait(false);
                input.Consume(input.BufferedCount);
            }

            (_, serverToClient) = await BidirectionalRelay.RunAsync(client, upstream, pump, cancellationToken).ConfigureAwait(false);
            if (_context.Abort.IsCancellationRequested)
            {
                upstreamError = "cut: the proxy stopped during the WebSocket session";
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            upstreamError = $"the WebSocket relay failed: {ex.Message}";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        pump?.Complete(new ExchangeCompletion
        {
            DurationMs = observed.ElapsedMs,
            UpstreamError = upstreamError,
            ResponseBytes = serverToClient,
        });
        return false;
    }

    private static string DescribeConnectFailure(Exception exception)
    {
        if (FindInner<SocketException>(exception) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host name not found",
                SocketError.TimedOut => "connection timed out",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                _ => socket.Message,
            };
        }

        if (exception is OperationCanceledException)
        {
            return "connection timed out";
        }

        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return innermost.Message;
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (var e = (Exception?)exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string TrimForLabel(string pathAndQuery)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        return path.Length > 120 ? path[..120] : path;
    }
}
