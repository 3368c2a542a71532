// Turns a billed request body into the JSON content capture stores: secrets redacted, binaries described, bounded.
using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tokentap.Engine.Content;

/// <summary>
/// Copies the body's JSON token by token into a pooled buffer (nothing but the result is allocated, so a 50 MB body
/// costs at most the output cap): every string is redacted, base64 payloads become a <see cref="BinaryPlaceholder"/>, a
/// string longer than <see cref="MaxStringBytes"/> is cut, and once the output reaches its cap the remaining strings
/// are replaced by a note. A string is unescaped into a pooled buffer and screened (<see cref="Redaction.Screen"/>):
/// when no pattern can match it (most strings of a coding agent's request) it is copied as UTF-8; only the others
/// become .NET strings, for the patterns the screen left. Text is written as sent, markup and non-ASCII unescaped (the
/// record is data that Get-TokenUsageContent and the dashboard show as text). Headers never reach it: it sees the body only.
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

        using var output = new PooledBufferWriter(Math.Min(body.Length + 64, maxBytes + 64 * 1024));
        var truncated = false;
        try
        {
            using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { MaxDepth = 256, SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
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
                        case JsonTokenType.PropertyName:
                            if (reader.ValueIsEscaped || reader.ValueSpan.Length > 256)
                            {
                                writer.WritePropertyName(Cut(ref reader, 256, out _));
                            }
                            else
                            {
                                writer.WritePropertyName(reader.ValueSpan);
                            }

                            break;
                        case JsonTokenType.String:
                            var full = writer.BytesCommitted + writer.BytesPending >= maxBytes;
                            if (full)
                            {
                                writer.WriteStringValue(CapNote);
                            }
                            else
                            {
                                WriteText(ref reader, writer, redaction, ref truncated);
                            }

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

    private static void WriteText(ref Utf8JsonReader reader, Utf8JsonWriter writer, Redaction redaction, ref bool truncated)
    {
        var raw = reader.ValueSpan;
        if (BinaryPlaceholder.Describe(raw) is { } placeholder)
        {
            writer.WriteStringValue(placeholder);
            return;
        }

        if (raw.Length > MaxStringBytes)
        {
            var text = Cut(ref reader, MaxStringBytes, out var cut);
            truncated = true;
            writer.WriteStringValue(redaction.Apply(text) + $" [{BinaryPlaceholder.Size(cut)} more omitted]");
            return;
        }

        // Unescaped, a string is never longer than as written in the JSON.
        var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var utf8 = buffer.AsSpan(0, reader.CopyString(buffer));
            var screened = redaction.Screen(utf8);
            if (screened == 0 && !redaction.HasExtraPatterns)
            {
                writer.WriteStringValue(utf8);
            }
            else
            {
                writer.WriteStringValue(redaction.Apply(Encoding.UTF8.GetString(utf8), screened));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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

    // An IBufferWriter over arrays of the shared pool (returned at Dispose), so the copy allocates nothing that stays.
    private sealed class PooledBufferWriter(int initialSize) : IBufferWriter<byte>, IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, 256));
        private int _written;

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            // Reserve first: it may replace the buffer.
            var start = Reserve(sizeHint);
            return _buffer.AsMemory(start);
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        // Grows the buffer (doubling) so that at least sizeHint bytes (or one) are free; returns where they start.
        private int Reserve(int sizeHint)
        {
            var needed = _written + Math.Max(sizeHint, 1);
            if (needed > _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
                WrittenSpan.CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            return _written;
        }
    }
}
