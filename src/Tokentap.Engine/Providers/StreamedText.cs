// The generated text of a response, kept (bounded, in memory only) so output can be estimated if usage never comes.
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Collects streamed output text (text, thinking, tool arguments) while a response is in flight. It is never stored:
/// it only feeds the tokenizer when a stream is cut before its usage arrived, and is dropped with the exchange.
/// Past the limit only the character count grows.
/// </summary>
internal sealed class StreamedText
{
    private readonly int _maxChars;
    // Made at the first text: a whole (not streamed) response adds none.
    private StringBuilder? _text;

    public StreamedText(int maxChars) => _maxChars = maxChars;

    /// <summary>Characters seen beyond the kept text.</summary>
    public long DroppedChars { get; private set; }

    /// <summary>The kept text.</summary>
    public string Text => _text?.ToString() ?? "";

    /// <summary>True when nothing was collected.</summary>
    public bool IsEmpty => (_text is null || _text.Length == 0) && DroppedChars == 0;

    /// <summary>Appends the JSON string the reader is positioned on.</summary>
    public void AppendString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return;
        }

        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length == 0)
        {
            return;
        }

        var buffer = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(buffer);
            var text = _text ??= new StringBuilder();
            var room = Math.Max(0, _maxChars - text.Length);
            var kept = Math.Min(room, written);
            text.Append(buffer, 0, kept);
            DroppedChars += written - kept;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
