// The OpenTelemetry SDK pipeline for one set of export settings: a log exporter per request and the usage metrics.
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Tokentap.Engine.Export;

/// <summary>
/// Sends one log record per event through the SDK's OTLP log exporter, synchronously, and reports whether the
/// collector accepted it. Metrics (token usage histogram, cost, requests, errors) are recorded for accepted events and
/// exported by the SDK's periodic reader with cumulative temporality, so a failed metric export is made good by the next.
/// gen_ai.client.token.usage has four token types: input (the whole prompt, as the conventions count it), output, and
/// the prompt's cached parts cache_read and cache_creation (named after gen_ai.usage.cache_*.input_tokens).
/// </summary>
internal sealed class OtlpSession : IDisposable
{
    public const string MeterName = "Tokentap";
    private const int ExportTimeoutMilliseconds = 10_000;
    private static readonly EventId RequestEvent = new(1, ExportAttributes.EventName);

    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ResultCapturingLogProcessor _logProcessor;
    private readonly Meter _meter;
    private readonly MeterProvider _meters;
    private readonly Histogram<long> _tokens;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly HttpClient _http;

    /// <param name="stopping">Ends any request in flight (the export fails and is repeated by the next session).</param>
    public OtlpSession(ExportSettings settings, TimeSpan metricInterval, CancellationToken stopping)
    {
        _http = new HttpClient(new StopAwareHttpHandler(stopping)) { Timeout = TimeSpan.FromMilliseconds(ExportTimeoutMilliseconds) };
        var resource = ResourceBuilder.CreateEmpty().AddAttributes(ResourceAttributes(settings));
        _logProcessor = new ResultCapturingLogProcessor(new OtlpLogExporter(Options(settings, "v1/logs", _http)));
        _loggers = LoggerFactory.Create(builder =>
        {
            builder.AddOpenTelemetry(options =>
            {
                options.IncludeFormattedMessage = false;
                options.SetResourceBuilder(resource);
                options.AddProcessor(_logProcessor);
            });
        });
        _logger = _loggers.CreateLogger("Tokentap");

        // One meter per session: its instruments are new, so a new session starts its cumulative sums at zero.
        _meter = new Meter(MeterName);
        _tokens = _meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}", "Tokens used per request, by gen_ai.token.type.");
        _cost = _meter.CreateCounter<double>("tokentap.cost", "USD", "Cost of priced requests in US dollars.");
        _requests = _meter.CreateCounter<long>("tokentap.requests", "{request}", "Requests recorded.");
        _errors = _meter.CreateCounter<long>("tokentap.errors", "{request}", "Requests that failed.");
        _meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(MeterName)
            .AddReader(new PeriodicExportingMetricReader(new OtlpMetricExporter(Options(settings, "v1/metrics", _http)), (int)metricInterval.TotalMilliseconds)
            {
                TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
            })
            .Build()!;
    }

    /// <summary>Sends the event's log record; true when the collector accepted it. Never throws for a collector failure.</summary>
    public bool Send(UsageEvent e)
    {
        _logProcessor.NextTimestamp = e.Timestamp;
        _logger.Log(LogLevel.Information, RequestEvent, ExportAttributes.ForLog(e), null, static (_, _) => "");
        if (_logProcessor.LastResult != ExportResult.Success)
        {
            return false;
        }

        var dimensions = ExportAttributes.ForMetric(e);
        _tokens.Record(e.ContextTokens, [.. dimensions, new("gen_ai.token.type", "input")]);
        _tokens.Record(e.OutputTokens, [.. dimensions, new("gen_ai.token.type", "output")]);
        _tokens.Record(e.CacheReadTokens, [.. dimensions, new("gen_ai.token.type", "cache_read")]);
        _tokens.Record(e.CacheWriteTokens, [.. dimensions, new("gen_ai.token.type", "cache_creation")]);
        _requests.Add(1, dimensions);
        if (e.Cost is { } cost)
        {
            _cost.Add((double)cost, dimensions);
        }

        if (!e.IsSuccess)
        {
            _errors.Add(1, dimensions);
        }

        return true;
    }

    /// <summary>Exports the metrics now; false when the collector did not take them.</summary>
    public bool FlushMetrics(int timeoutMilliseconds) => _meters.ForceFlush(timeoutMilliseconds);

    public void Dispose()
    {
        _meters.Dispose();
        _meter.Dispose();
        _loggers.Dispose();
        _http.Dispose();
    }

    /// <summary>http/protobuf posts to the signal's path under the endpoint; gRPC calls the endpoint itself.</summary>
    private static OtlpExporterOptions Options(ExportSettings settings, string path, HttpClient http) => new()
    {
        Endpoint = settings.Protocol == ExportSettings.Grpc ? new Uri(settings.Endpoint) : new Uri(settings.Endpoint.TrimEnd('/') + "/" + path),
        Protocol = settings.Protocol == ExportSettings.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
        Headers = string.Join(",", settings.Headers.Select(h => h.Key + "=" + Uri.EscapeDataString(h.Value))),
        TimeoutMilliseconds = ExportTimeoutMilliseconds,
        HttpClientFactory = () => http,
    };

    private static List<KeyValuePair<string, object>> ResourceAttributes(ExportSettings settings)
    {
        var attributes = new List<KeyValuePair<string, object>>
        {
            new("service.name", "tokentap"),
            new("host.name", Environment.MachineName),
        };
        if (ExportAttributes.UserName(settings.User, Environment.UserName) is { } user)
        {
            attributes.Add(new("user.name", user));
        }

        return attributes;
    }
}
