// Usage from the Anthropic Messages API: JSON responses and SSE streams (message_start ... message_delta).
using System.Text.Json;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Anthropic Messages. input_tokens already excludes the cache, so it is InputTokens as is; cache reads and writes
/// come from cache_read_input_tokens and cache_creation_input_tokens, the 1 hour share from
/// cache_creation.ephemeral_1h_input_tokens. In a stream, message_start carries the input numbers and the last
/// message_delta the final, cumulative usage (its values replace earlier ones, never add to them).
/// </summary>
internal sealed class AnthropicParser : UsageParser
{
    public AnthropicParser(UsageObserverOptions options)
        : base(options)
    {
    }

    protected override void HandlePayload(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        var report = Report;
        var isMessageStop = false;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isMessageStop = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("message_stop"u8);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadMessage(ref reader, report);
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                // Top-level usage: message_delta's cumulative usage, or a JSON body's final usage.
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadUsage(ref reader, report, final: true);
                }
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadDelta(ref reader, report);
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadError(ref reader);
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                report.MessageId = JsonFields.ReadStringOnce(ref reader, report.MessageId);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                report.Model = JsonFields.ReadStringOnce(ref reader, report.Model);
            }
            else if (reader.ValueTextEquals("stop_reason"u8))
            {
                report.StopReason = JsonFields.ReadString(ref reader) ?? report.StopReason;
                report.Finished = true;
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }

        if (isMessageStop)
        {
            report.Finished = true;
        }
    }

    private static void ReadMessage(ref Utf8JsonReader reader, UsageReport report)
    {
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
            else if (reader.ValueTextEquals("usage"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadUsage(ref reader, report, final: false);
                }
            }
            else if (reader.ValueTextEquals("stop_reason"u8))
            {
                report.StopReason = JsonFields.ReadString(ref reader) ?? report.StopReason;
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }
    }

    // message_start's usage (final: false) has the input numbers and a provisional output count.
    private static void ReadUsage(ref Utf8JsonReader reader, UsageReport report, bool final)
    {
        long? input = null, cacheRead = null, cacheWrite = null, write5m = null, write1h = null, output = null, thinking = null;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                input = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                cacheRead = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                cacheWrite = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                output = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("cache_creation"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("ephemeral_5m_input_tokens"u8))
                        {
                            write5m = JsonFields.ReadInt64(ref reader);
                        }
                        else if (reader.ValueTextEquals("ephemeral_1h_input_tokens"u8))
                        {
                            write1h = JsonFields.ReadInt64(ref reader);
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
                        if (reader.ValueTextEquals("thinking_tokens"u8))
                        {
                            thinking = JsonFields.ReadInt64(ref reader);
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

        if (input is { } i)
        {
            report.InputTokens = i;
            report.InputKnown = true;
        }

        if (cacheRead is { } r)
        {
            report.CacheReadTokens = r;
        }

        if (cacheWrite is { } w)
        {
            report.CacheWriteTokens = w;
        }
        else if (write5m is not null || write1h is not null)
        {
            report.CacheWriteTokens = (write5m ?? 0) + (write1h ?? 0);
        }

        if (write1h is { } h)
        {
            report.CacheWrite1hTokens = Math.Min(h, report.CacheWriteTokens);
        }

        if (thinking is { } t)
        {
            report.ReasoningTokens = t;
        }

        if (output is { } o)
        {
            report.OutputTokens = o;
            if (final)
            {
                report.OutputKnown = true;
            }
        }
    }

    private static void ReadDelta(ref Utf8JsonReader reader, UsageReport report)
    {
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("thinking"u8) || reader.ValueTextEquals("partial_json"u8))
            {
                JsonFields.AppendText(ref reader, report.Text);
            }
            else if (reader.ValueTextEquals("stop_reason"u8))
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
