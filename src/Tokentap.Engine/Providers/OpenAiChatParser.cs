// Usage from OpenAI Chat Completions and the OpenAI-compatible hosts (Azure, OpenRouter, DeepSeek, Groq, Mistral, xAI, Together).
using System.Text.Json;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Chat Completions JSON bodies and SSE chunk streams. prompt_tokens includes cached tokens
/// (prompt_tokens_details.cached_tokens, DeepSeek's prompt_cache_hit_tokens), so InputTokens = prompt - cached
/// (- OpenRouter's cache_write_tokens). completion_tokens includes reasoning at OpenAI and DeepSeek but not at xAI;
/// total_tokens tells which (prompt + completion + reasoning == total means reasoning comes on top), else the host's
/// known behaviour. Groq may put usage in x_groq.usage; OpenRouter reports its billed cost as usage.cost.
/// </summary>
internal sealed class OpenAiChatParser : UsageParser
{
    private readonly bool _reasoningSeparateByDefault;

    public OpenAiChatParser(UsageObserverOptions options, bool reasoningSeparateByDefault)
        : base(options) => _reasoningSeparateByDefault = reasoningSeparateByDefault;

    protected override void HandlePayload(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        var report = Report;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadUsage(ref reader, report);
                }
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                if (JsonFields.EnterArray(ref reader))
                {
                    ReadChoices(ref reader, report);
                }
            }
            else if (reader.ValueTextEquals("x_groq"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("usage"u8) && JsonFields.EnterObject(ref reader))
                        {
                            ReadUsage(ref reader, report);
                        }
                        else if (reader.TokenType == JsonTokenType.PropertyName)
                        {
                            JsonFields.Skip(ref reader);
                        }
                    }
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
            else if (reader.ValueTextEquals("error"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadError(ref reader);
                }
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }
    }

    private static void ReadChoices(ref Utf8JsonReader reader, UsageReport report)
    {
        while (JsonFields.NextElement(ref reader))
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (JsonFields.NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("delta"u8))
                {
                    if (JsonFields.EnterObject(ref reader))
                    {
                        ReadDelta(ref reader, report);
                    }
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    var reason = JsonFields.ReadStringOnce(ref reader, report.StopReason);
                    if (reason is not null)
                    {
                        report.StopReason = reason;
                        report.Finished = true;
                    }
                }
                else
                {
                    JsonFields.Skip(ref reader);
                }
            }
        }
    }

    private static void ReadDelta(ref Utf8JsonReader reader, UsageReport report)
    {
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8))
            {
                JsonFields.AppendText(ref reader, report.Text);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                if (JsonFields.EnterArray(ref reader))
                {
                    ReadToolCalls(ref reader, report);
                }
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }
    }

    private static void ReadToolCalls(ref Utf8JsonReader reader, UsageReport report)
    {
        while (JsonFields.NextElement(ref reader))
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (JsonFields.NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("function"u8) && JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("arguments"u8) || reader.ValueTextEquals("name"u8))
                        {
                            JsonFields.AppendText(ref reader, report.Text);
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
    }

    private void ReadUsage(ref Utf8JsonReader reader, UsageReport report)
    {
        long? prompt = null, completion = null, total = null, cached = null, cacheWrite = null, reasoning = null, hit = null, miss = null;
        decimal? cost = null;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                total = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_cache_hit_tokens"u8))
            {
                hit = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_cache_miss_tokens"u8))
            {
                miss = JsonFields.ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("cost"u8))
            {
                cost = JsonFields.ReadDecimal(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("cached_tokens"u8))
                        {
                            cached = JsonFields.ReadInt64(ref reader);
                        }
                        else if (reader.ValueTextEquals("cache_write_tokens"u8))
                        {
                            cacheWrite = JsonFields.ReadInt64(ref reader);
                        }
                        else
                        {
                            JsonFields.Skip(ref reader);
                        }
                    }
                }
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
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

        if (prompt is null && completion is null && hit is null && miss is null)
        {
            return;
        }

        var cacheRead = cached ?? hit ?? 0;
        var promptTotal = prompt ?? (hit ?? 0) + (miss ?? 0);
        var written = cacheWrite ?? 0;
        var thought = reasoning ?? 0;
        var completionTokens = completion ?? 0;
        var reasoningOnTop = total is { } t
            ? thought > 0 && t == promptTotal + completionTokens + thought
            : _reasoningSeparateByDefault;
        report.InputTokens = Math.Max(0, promptTotal - cacheRead - written);
        report.CacheReadTokens = cacheRead;
        report.CacheWriteTokens = written;
        report.CacheWrite1hTokens = 0;
        report.OutputTokens = completionTokens + (reasoningOnTop ? thought : 0);
        report.ReasoningTokens = thought;
        report.InputKnown = true;
        report.OutputKnown = true;
        report.Finished = true;
        if (cost is not null)
        {
            report.ReportedCost = cost;
        }
    }
}
