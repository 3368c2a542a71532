// Usage from Gemini generateContent / streamGenerateContent (SSE or JSON-array stream), also Code Assist's wrapped payloads.
using System.Text.Json;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Gemini. Each chunk may carry usageMetadata; early ones are partial and only the last has the totals, so every
/// usageMetadata replaces the previous one. promptTokenCount includes cachedContentTokenCount: InputTokens =
/// prompt - cached + toolUsePromptTokenCount. candidatesTokenCount excludes thoughts: OutputTokens = candidates +
/// thoughtsTokenCount, ReasoningTokens = thoughts (Google documents totalTokenCount as the sum of prompt, candidates,
/// tool-use prompt and thoughts). cloudcode-pa (Gemini CLI's Google login) wraps each payload as {"response": {...}}.
/// </summary>
internal sealed class GeminiParser : UsageParser
{
    private bool _finishSeen;

    public GeminiParser(UsageObserverOptions options)
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

        ReadGenerateContentResponse(ref reader);
    }

    private void ReadGenerateContentResponse(ref Utf8JsonReader reader)
    {
        var report = Report;
        var usageSeen = false;
        long prompt = 0, candidates = 0, cached = 0, thoughts = 0, toolUse = 0;
        var promptSeen = false;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("response"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    ReadGenerateContentResponse(ref reader);
                }
            }
            else if (reader.ValueTextEquals("candidates"u8))
            {
                if (JsonFields.EnterArray(ref reader))
                {
                    ReadCandidates(ref reader, report);
                }
            }
            else if (reader.ValueTextEquals("usageMetadata"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    usageSeen = true;
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("promptTokenCount"u8))
                        {
                            prompt = JsonFields.ReadInt64(ref reader) ?? 0;
                            promptSeen = true;
                        }
                        else if (reader.ValueTextEquals("candidatesTokenCount"u8))
                        {
                            candidates = JsonFields.ReadInt64(ref reader) ?? 0;
                        }
                        else if (reader.ValueTextEquals("cachedContentTokenCount"u8))
                        {
                            cached = JsonFields.ReadInt64(ref reader) ?? 0;
                        }
                        else if (reader.ValueTextEquals("thoughtsTokenCount"u8))
                        {
                            thoughts = JsonFields.ReadInt64(ref reader) ?? 0;
                        }
                        else if (reader.ValueTextEquals("toolUsePromptTokenCount"u8))
                        {
                            toolUse = JsonFields.ReadInt64(ref reader) ?? 0;
                        }
                        else
                        {
                            JsonFields.Skip(ref reader);
                        }
                    }
                }
            }
            else if (reader.ValueTextEquals("modelVersion"u8))
            {
                report.Model = JsonFields.ReadStringOnce(ref reader, report.Model);
            }
            else if (reader.ValueTextEquals("responseId"u8))
            {
                report.MessageId = JsonFields.ReadStringOnce(ref reader, report.MessageId);
            }
            else if (reader.ValueTextEquals("promptFeedback"u8))
            {
                if (JsonFields.EnterObject(ref reader))
                {
                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("blockReason"u8))
                        {
                            report.StopReason = JsonFields.ReadString(ref reader) ?? report.StopReason;
                            _finishSeen = true;
                            report.Finished = true;
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

        if (usageSeen)
        {
            report.InputTokens = Math.Max(0, prompt - cached) + toolUse;
            report.CacheReadTokens = cached;
            report.CacheWriteTokens = 0;
            report.CacheWrite1hTokens = 0;
            report.OutputTokens = candidates + thoughts;
            report.ReasoningTokens = thoughts;
            report.InputKnown |= promptSeen;
            report.OutputKnown = _finishSeen;
        }
    }

    private void ReadCandidates(ref Utf8JsonReader reader, UsageReport report)
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
                if (reader.ValueTextEquals("finishReason"u8))
                {
                    var reason = JsonFields.ReadString(ref reader);
                    if (reason is not null)
                    {
                        report.StopReason = reason;
                        _finishSeen = true;
                        report.Finished = true;
                    }
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    if (JsonFields.EnterObject(ref reader))
                    {
                        ReadContent(ref reader, report);
                    }
                }
                else
                {
                    JsonFields.Skip(ref reader);
                }
            }
        }
    }

    private static void ReadContent(ref Utf8JsonReader reader, UsageReport report)
    {
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("parts"u8) && JsonFields.EnterArray(ref reader))
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
                        if (reader.ValueTextEquals("text"u8))
                        {
                            JsonFields.AppendText(ref reader, report.Text);
                        }
                        else
                        {
                            JsonFields.Skip(ref reader);
                        }
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
