// Turns a provider's error JSON into one short line: Anthropic, OpenAI, Gemini, Mistral and FastAPI-style shapes.
using System.Text.Json;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Reads {"type":"error","error":{"type","message"}} (Anthropic), {"error":{"message","type","code"}} (OpenAI and
/// compatible hosts), {"error":{"code","message","status"}} and [{"error":...}] (Gemini), {"object":"error",
/// "message","type"} (Mistral) and {"detail": "..."}: "type: message". The line is not cut here: it may echo the
/// request's credentials, and <see cref="ErrorRedaction"/> caps it only after removing them.
/// </summary>
internal static class ProviderErrors
{
    /// <summary>The error line, or null when the payload carries no error.</summary>
    public static string? Describe(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read())
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.StartArray && !(reader.Read() && reader.TokenType == JsonTokenType.StartObject))
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? kind = null;
        string? message = null;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    message ??= reader.GetString();
                }
                else if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadErrorObject(ref reader, ref kind, ref message);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("detail"u8))
            {
                message ??= JsonFields.ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("type"u8) || reader.ValueTextEquals("code"u8))
            {
                var value = ReadScalar(ref reader);
                if (value is not null and not "error")
                {
                    kind ??= value;
                }
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }

        return Compose(kind, message);
    }

    /// <summary>Reads an error object the reader is on (its start) into kind and message.</summary>
    public static void ReadErrorObject(ref Utf8JsonReader reader, ref string? kind, ref string? message)
    {
        string? type = null;
        string? status = null;
        string? code = null;
        while (JsonFields.NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("message"u8))
            {
                message = JsonFields.ReadString(ref reader) ?? message;
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                type = ReadScalar(ref reader);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                status = ReadScalar(ref reader);
            }
            else if (reader.ValueTextEquals("code"u8))
            {
                code = ReadScalar(ref reader);
            }
            else
            {
                JsonFields.Skip(ref reader);
            }
        }

        kind = type ?? status ?? code ?? kind;
    }

    /// <summary>"kind: message", or whichever of the two is known.</summary>
    public static string? Compose(string? kind, string? message) => (kind, message) switch
    {
        (null, null) => null,
        (null, _) => message,
        (_, null) => kind,
        _ => kind + ": " + message,
    };

    private static string? ReadScalar(ref Utf8JsonReader reader)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var number) ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            default:
                reader.Skip();
                return null;
        }
    }
}
