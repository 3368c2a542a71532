// The common part of the wire-format parsers: framing (SSE or JSON), error bodies and malformed-JSON handling.
using System.Text.Json;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Sniffs the body's first non-blank byte: '{' or '[' means JSON (one object, or a JSON-array stream), anything else
/// SSE. Each JSON payload goes to <see cref="HandlePayload"/>; bodies of error statuses go to
/// <see cref="ProviderErrors"/> instead. A payload that is not valid JSON is skipped and noted, never thrown.
/// </summary>
internal abstract class UsageParser : IUsageParser, IPayloadHandler
{
    private readonly UsageObserverOptions _options;
    private SseDecoder? _sse;
    private JsonObjectSplitter? _json;
    private string? _errorLine;

    protected UsageParser(UsageObserverOptions options)
    {
        _options = options;
        Report = NewReport();
    }

    public UsageReport Report { get; protected set; }

    public bool SawStream => _sse is not null;

    public virtual bool TurnOpen => false;

    /// <summary>The response status (0 before the head).</summary>
    protected int StatusCode { get; private set; }

    protected UsageObserverOptions Options => _options;

    public void OnResponseHead(int statusCode) => StatusCode = statusCode;

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_sse is null && _json is null)
        {
            var start = 0;
            while (start < chunk.Length && chunk[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                start++;
            }

            if (start == chunk.Length)
            {
                return;
            }

            chunk = chunk[start..];
            if (chunk[0] is (byte)'{' or (byte)'[')
            {
                _json = new JsonObjectSplitter(this, _options.MaxPayloadBytes);
            }
            else
            {
                _sse = new SseDecoder(this, _options.MaxPayloadBytes);
            }
        }

        if (_sse is not null)
        {
            _sse.Feed(chunk);
        }
        else
        {
            _json!.Feed(chunk);
        }
    }

    public virtual void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload)
    {
    }

    public void Complete()
    {
        _sse?.Finish();
        if (StatusCode >= 400)
        {
            Report.SetError(_errorLine ?? $"HTTP {StatusCode}");
        }
    }

    public void Dispose()
    {
        _sse?.Dispose();
        _json?.Dispose();
    }

    void IPayloadHandler.OnPayload(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) => Deliver(eventName, data);

    void IPayloadHandler.OnFramingError(string message) => Report.SetError(message);

    /// <summary>Parses one JSON payload of a successful response.</summary>
    protected abstract void HandlePayload(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> json);

    protected UsageReport NewReport() => new(_options.MaxStreamedTextChars);

    /// <summary>Hands one payload to the format, catching malformed JSON.</summary>
    protected void Deliver(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] is not ((byte)'{' or (byte)'['))
        {
            return;
        }

        try
        {
            if (StatusCode >= 400)
            {
                _errorLine ??= ProviderErrors.Describe(trimmed);
                return;
            }

            HandlePayload(eventName, trimmed);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            Report.SetError("malformed JSON in the response; usage may be incomplete");
        }
    }

    /// <summary>Records an error object the reader is on (its start) as the report's error.</summary>
    protected void ReadError(ref Utf8JsonReader reader)
    {
        string? kind = null;
        string? message = null;
        ProviderErrors.ReadErrorObject(ref reader, ref kind, ref message);
        Report.SetError(ProviderErrors.Compose(kind, message) ?? "the provider reported an error");
    }
}
