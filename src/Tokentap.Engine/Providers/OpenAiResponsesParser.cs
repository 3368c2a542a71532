// Usage from the OpenAI Responses API (Codex): JSON, SSE and WebSocket, on api.openai.com, Azure and chatgpt.com.
using System.Text.Json;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Responses API. Usage comes in response.completed (also response.incomplete and response.failed) or in the
/// response object of a JSON body. input_tokens includes input_tokens_details.cached_tokens: InputTokens = input -
/// cached. output_tokens includes output_tokens_details.reasoning_tokens. Over a WebSocket the same events arrive as
/// text messages and one connection can carry many turns: each client "response.create" starts a turn and each
/// terminal event ends one, which is handed to the turn callback as its own report.
/// </summary>
internal sealed class OpenAiResponsesParser : UsageParser
{
    private readonly Action<UsageReport>? _turnCompleted;
    private bool _turnOpen;

    public OpenAiResponsesParser(UsageObserverOptions options, Action<UsageReport>? turnCompleted)
        : base(options) => _turnCompleted = turnCompleted;

    public override bool TurnOpen => _turnOpen;

    public override void OnWebSocketMessage(WebSocketMessageDirection direction, bool isText, ReadOnlySpan<byte> payload)
    {
        if (!isText)
        {
            return;
        }

        if (direction == WebSocketMessageDirection.ClientToServer)
        {
            StartTurnIfRequest(payload);
            return;
        }

        if (!_turnOpen)
        {
            OpenTurn(null, ReadOnlySpan<byte>.Empty);
        }

        var report = Report;
        if (report.TimeToFirstByteMs is null)
        {
            report.TimeToFirstByteMs = Options.Time.GetElapsedTime(report.StartedTimestamp).TotalMilliseconds;
        }

        Deliver(ReadOnlySpan<byte>.Empty, payload);
        if (report.Finished)
        {
            _turnOpen = false;
            _turnCompleted?.Invoke(report);
            Report = NewReport();
        }
    }

    protected override void HandlePayload(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        var report = Report;
        var isError = false;
        string? errorCode = null;
        string? errorMessage = null;
        var isResponseObject = false;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isError = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("error"u8);
            }
            else if (reader.ValueTextEquals("response"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadResponse(ref reader, report);
                }
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                JsonFields.AppendText(ref reader, report.Text);
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                isResponseObject = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("response"u8);
            }
            else if (reader.ValueTextEquals("code"u8))
            {
                errorCode = JsonFields.ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                errorMessage = JsonFields.ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadError(ref reader);
                    report.Finished = true;
                }
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }

        if (isResponseObject)
        {
            // A JSON body is the response object itself: read it again as one.
            var body = new Utf8JsonReader(json);
            body.Read();
            ReadResponse(ref body, report);
            report.Finished = true;
        }

        if (isError)
        {
            report.SetError(ProviderErrors.Compose(errorCode, errorMessage) ?? "the provider reported an error");
            report.Finished = true;
        }
    }

    private void StartTurnIfRequest(ReadOnlySpan<byte> payload)
    {
        string? model = null;
        var isCreate = false;
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            while (JsonFields.NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    isCreate = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("response.create"u8);
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    model = JsonFields.ReadString(ref reader) ?? model;
                }
                else if (reader.ValueTextEquals("response"u8) && JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("model"u8))
                        {
                            model = JsonFields.ReadString(ref reader) ?? model;
                        }
                        else
                        {
                            JsonFields.Skip(ref reader);
                        }
                    }
                }
                else if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    JsonFields.Skip(ref reader);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return;
        }

        if (!isCreate)
        {
            return;
        }

        if (_turnOpen)
        {
            // A new request before the previous turn finished: that turn is over without its usage.
            _turnOpen = false;
            Report.SetError("the next request started before this response completed");
            _turnCompleted?.Invoke(Report);
            Report = NewReport();
        }

        OpenTurn(model, payload);
    }

    private void OpenTurn(string? model, ReadOnlySpan<byte> request)
    {
        var report = Report;
        report.StartedUtc = Options.Time.GetUtcNow().UtcDateTime;
        report.StartedTimestamp = Options.Time.GetTimestamp();
        report.RequestModel = model;
        report.RequestBody = request.Length <= Options.MaxRequestBodyBytes ? request.ToArray() : null;
        _turnOpen = true;
    }

    private static void ReadResponse(ref Utf8JsonReader reader, UsageReport report)
    {
        var terminal = false;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
            {
                report.MessageId = JsonFields.ReadStringOnce(ref reader, report.MessageId);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                report.Model = JsonFields.ReadStringOnce(ref reader, report.Model);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    terminal = reader.ValueTextEquals("completed"u8) || reader.ValueTextEquals("incomplete"u8)
                        || reader.ValueTextEquals("failed"u8) || reader.ValueTextEquals("cancelled"u8);
                    if (terminal && report.StopReason is null)
                    {
                        report.StopReason = reader.GetString();
                    }
                }
            }
            else if (reader.ValueTextEquals("incomplete_details"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("reason"u8))
                        {
                            report.StopReason = JsonFields.ReadString(ref reader) ?? report.StopReason;
                        }
                        else
                        {
                            JsonFields.Skip(ref reader);
                        }
                    }
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    string? kind = null;
                    string? message = null;
                    ProviderErrors.ReadErrorObject(ref reader, ref kind, ref message);
                    report.SetError(ProviderErrors.Compose(kind, message) ?? "the response failed");
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadUsage(ref reader, report);
                }
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }

        if (terminal)
        {
            report.Finished = true;
        }
    }

    private static void ReadUsage(ref Utf8JsonReader reader, UsageReport report)
    {
        long? input = null, output = null, total = null, cached = null, reasoning = null;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                input = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                output = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                total = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("input_tokens_details"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("cached_tokens"u8))
                        {
                            cached = JsonFields.ReadInt64(ref reader);
                        }
                        else
                        {
                            JsonFields.Skip(ref reader);
                        }
                    }
                }
            }
            else if (reader.ValueTextEquals("output_tokens_details"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("reasoning_tokens"u8))
                        {
                            reasoning = JsonFields.ReadInt64(ref reader);
                        }
                        else
                        {
                            JsonFields.Skip(ref reader);
                        }
                    }
                }
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }

        if (input is null && output is null)
        {
            return;
        }

        var cacheRead = cached ?? 0;
        var thought = reasoning ?? 0;
        var outputTokens = output ?? 0;
        var reasoningOnTop = total is { } t && thought > 0 && t == (input ?? 0) + outputTokens + thought;
        report.InputTokens = Math.Max(0, (input ?? 0) - cacheRead);
        report.CacheReadTokens = cacheRead;
        report.OutputTokens = outputTokens + (reasoningOnTop ? thought : 0);
        report.ReasoningTokens = thought;
        report.InputKnown = input is not null;
        report.OutputKnown = output is not null;
    }
}
