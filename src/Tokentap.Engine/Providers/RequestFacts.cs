// The few things read from a request body on the proxy path: model, stream flag, stream_options, a session id.
using System.Text.Json;

namespace Tokentap.Engine.Providers;

/// <summary>
/// One pass of Utf8JsonReader over the top level of a JSON request body; nested values are skipped, nothing is
/// copied but the model name.
/// </summary>
internal sealed class RequestFacts
{
    public static readonly RequestFacts None = new();

    /// <summary>The body is a JSON object.</summary>
    public bool IsJsonObject { get; private init; }

    /// <summary>The body's "model".</summary>
    public string? Model { get; private init; }

    /// <summary>"stream": true.</summary>
    public bool Stream { get; private init; }

    /// <summary>Offset of the body's opening brace.</summary>
    public int RootStart { get; private init; }

    /// <summary>A "stream_options" member is present (any value).</summary>
    public bool HasStreamOptions { get; private init; }

    /// <summary>Offset of stream_options' opening brace, or -1 when it is not an object.</summary>
    public int StreamOptionsStart { get; private init; } = -1;

    /// <summary>stream_options is an empty object.</summary>
    public bool StreamOptionsEmpty { get; private init; }

    /// <summary>stream_options.include_usage is present (true or false: the client decided).</summary>
    public bool HasIncludeUsage { get; private init; }

    /// <summary>Gemini CLI's session id in a Code Assist request ("request": {"session_id": ...}), else null.</summary>
    public string? SessionId { get; private init; }

    /// <summary>Reads the facts; a body that is not a JSON object gives <see cref="None"/>.</summary>
    public static RequestFacts Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return None;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return None;
            }

            var rootStart = (int)reader.TokenStartIndex;
            string? model = null;
            var stream = false;
            var hasStreamOptions = false;
            var streamOptionsStart = -1;
            var streamOptionsEmpty = false;
            var hasIncludeUsage = false;
            string? sessionId = null;
            while (JsonFields.NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    model = JsonFields.ReadString(ref reader) ?? model;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    stream = JsonFields.ReadTrue(ref reader);
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    hasStreamOptions = true;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        streamOptionsStart = (int)reader.TokenStartIndex;
                        streamOptionsEmpty = true;
                        while (JsonFields.NextProperty(ref reader))
                        {
                            streamOptionsEmpty = false;
                            hasIncludeUsage |= reader.ValueTextEquals("include_usage"u8);
                            JsonFields.Skip(ref reader);
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("request"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (JsonFields.NextProperty(ref reader))
                    {
                        if (reader.ValueTextEquals("session_id"u8))
                        {
                            sessionId = JsonFields.ReadString(ref reader) ?? sessionId;
                        }
                        else
                        {
                            JsonFields.Skip(ref reader);
                        }
                    }
                }
                else
                {
                    JsonFields.Skip(ref reader);
                }
            }

            return new RequestFacts
            {
                IsJsonObject = true,
                Model = model,
                Stream = stream,
                RootStart = rootStart,
                HasStreamOptions = hasStreamOptions,
                StreamOptionsStart = streamOptionsStart,
                StreamOptionsEmpty = streamOptionsEmpty,
                HasIncludeUsage = hasIncludeUsage,
                SessionId = string.IsNullOrWhiteSpace(sessionId) ? null : sessionId,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return None;
        }
    }
}
