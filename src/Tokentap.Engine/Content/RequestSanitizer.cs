// Turns a billed request body into the JSON content capture stores: secrets redacted, binaries described, bounded.
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tokentap.Engine.Content;

/// <summary>
/// Copies the body's JSON token by token (nothing but the output is allocated, so a 50 MB body costs at most the
/// output cap): every string is redacted, base64 payloads become a <see cref="BinaryPlaceholder"/>, a string longer
/// than <see cref="MaxStringBytes"/> is cut, and once the output reaches its cap the remaining strings are replaced by
/// a note. Headers never reach it: it sees the body only.
/// </summary>
internal static class RequestSanitizer
{
    /// <summary>The longest single string kept (its start is kept, with a note of what was cut).</summary>
    public const int MaxStringBytes = 128 * 1024;

    private const string CapNote = "[omitted: the content size cap per request was reached]";

    /// <summary>The sanitized JSON, and whether anything was cut; a body that is not JSON gives a one-string note.</summary>
    public static (string Json, bool Truncated) Sanitize(ReadOnlySpan<byte> body, Redaction redaction, int maxBytes)
    {
        if (body.IsEmpty)
        {
            return ("null", false);
        }

        var output = new ArrayBufferWriter<byte>(Math.Min(body.Length + 64, 64 * 1024));
        var truncated = false;
        try
        {
            using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { MaxDepth = 256, SkipValidation = true }))
            {
                var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                        case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                        case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                        case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                        case JsonTokenType.PropertyName: writer.WritePropertyName(Cut(ref reader, 256, out _)); break;
                        case JsonTokenType.String:
                            var full = writer.BytesCommitted + writer.BytesPending >= maxBytes;
                            writer.WriteStringValue(full ? CapNote : Text(ref reader, redaction, ref truncated));
                            truncated |= full;
                            break;
                        case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                        case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                        case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                        case JsonTokenType.Null: writer.WriteNullValue(); break;
                    }
                }
            }

            return (Encoding.UTF8.GetString(output.WrittenSpan), truncated);
        }
        catch (JsonException)
        {
            return (JsonSerializer.Serialize($"[the request body is not valid JSON: {BinaryPlaceholder.Size(body.Length)}]"), true);
        }
    }

    private static string Text(ref Utf8JsonReader reader, Redaction redaction, ref bool truncated)
    {
        var raw = reader.ValueSpan;
        if (BinaryPlaceholder.Describe(raw) is { } placeholder)
        {
            return placeholder;
        }

        var text = Cut(ref reader, MaxStringBytes, out var cut);
        truncated |= cut > 0;
        return redaction.Apply(text) + (cut > 0 ? $" [{BinaryPlaceholder.Size(cut)} more omitted]" : "");
    }

    // The string, or its first maxBytes (never splitting an escape or a UTF-8 sequence); cut: the raw bytes left out.
    private static string Cut(ref Utf8JsonReader reader, int maxBytes, out int cut)
    {
        var raw = reader.ValueSpan;
        if (raw.Length <= maxBytes)
        {
            cut = 0;
            return reader.GetString() ?? "";
        }

        var end = 0;
        while (end < maxBytes)
        {
            var step = raw[end] != (byte)'\\' ? 1 : raw[end + 1] == (byte)'u' ? 6 : 2;
            if (end + step > maxBytes)
            {
                break;
            }

            end += step;
        }

        while (end > 0 && (raw[end] & 0xC0) == 0x80)
        {
            end--;
        }

        cut = raw.Length - end;
        var quoted = ArrayPool<byte>.Shared.Rent(end + 2);
        try
        {
            quoted[0] = (byte)'"';
            raw[..end].CopyTo(quoted.AsSpan(1));
            quoted[end + 1] = (byte)'"';
            var prefix = new Utf8JsonReader(quoted.AsSpan(0, end + 2));
            prefix.Read();
            return prefix.GetString() ?? "";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(quoted);
        }
    }
}
