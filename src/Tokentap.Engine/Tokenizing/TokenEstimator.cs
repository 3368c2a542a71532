// Counts tokens with OpenAI's tiktoken encodings: estimates for cut streams and Measure-TokenCount.
using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Tokentap.Engine.Tokenizing;

/// <summary>
/// Token counting with o200k_base (default; GPT-4o and later, and the estimate used for other vendors' models) or
/// cl100k_base (GPT-4, GPT-3.5, embeddings). Encodings load on first use, never at proxy start; thread-safe.
/// </summary>
public sealed class TokenEstimator
{
    /// <summary>The o200k_base encoding name.</summary>
    public const string O200kBase = "o200k_base";

    /// <summary>The cl100k_base encoding name.</summary>
    public const string Cl100kBase = "cl100k_base";

    // Values of these request fields are ids, enums, signatures or binary data, not prompt text.
    private static readonly HashSet<string> NonTextFields = new(StringComparer.Ordinal)
    {
        "model", "role", "type", "id", "tool_use_id", "tool_call_id", "call_id", "signature", "data", "encrypted_content",
        "media_type", "mime_type", "mimeType", "url", "image_url", "file_id", "file_data", "fileUri", "file_uri",
        "previous_response_id", "prompt_cache_key", "user", "service_tier", "reasoning_effort", "effort", "stop_reason",
        "cache_control", "project", "user_prompt_id", "session_id", "tool_choice", "detail", "format", "status",
    };

    private readonly ConcurrentDictionary<string, Lazy<Tokenizer>> _tokenizers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One estimator shared by the process (the encodings are large; load them once).</summary>
    public static TokenEstimator Shared { get; } = new();

    /// <summary>The encodings this estimator knows.</summary>
    public static IReadOnlyList<string> Encodings { get; } = new[] { O200kBase, Cl100kBase };

    /// <summary>The encoding for a model: cl100k_base for GPT-4 (not 4o/4.1/4.5), GPT-3.5 and older OpenAI models, else o200k_base.</summary>
    public static string EncodingForModel(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return O200kBase;
        }

        var name = model.Trim().ToLowerInvariant();
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        if (name.StartsWith("gpt-3.5", StringComparison.Ordinal) || name.StartsWith("gpt-35", StringComparison.Ordinal)
            || name.StartsWith("text-embedding-", StringComparison.Ordinal) || name.StartsWith("text-davinci", StringComparison.Ordinal))
        {
            return Cl100kBase;
        }

        if (name.StartsWith("gpt-4", StringComparison.Ordinal) && !name.StartsWith("gpt-4o", StringComparison.Ordinal)
            && !name.StartsWith("gpt-4.", StringComparison.Ordinal))
        {
            return Cl100kBase;
        }

        return O200kBase;
    }

    /// <summary>
    /// The encoding named, or the encoding for the model named. Throws <see cref="ArgumentException"/> for an empty name.
    /// </summary>
    public static string ResolveEncoding(string encodingOrModel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(encodingOrModel);
        foreach (var encoding in Encodings)
        {
            if (string.Equals(encoding, encodingOrModel.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return encoding;
            }
        }

        return EncodingForModel(encodingOrModel);
    }

    /// <summary>Counts the tokens of a text for an encoding name (o200k_base, cl100k_base) or a model name.</summary>
    public int CountTokens(string text, string encodingOrModel) => CountTokens(text.AsSpan(), encodingOrModel);

    /// <summary>Counts the tokens of a text for an encoding name or a model name.</summary>
    public int CountTokens(ReadOnlySpan<char> text, string encodingOrModel)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        return Tokenizer(ResolveEncoding(encodingOrModel)).CountTokens(text);
    }

    /// <summary>
    /// Estimates the prompt tokens of a JSON request body: the tokens of its text values (messages, system prompt,
    /// tool descriptions and arguments), leaving out ids, enum-like fields and binary data. Not valid JSON: its
    /// bytes / 4, the usual rule of thumb.
    /// </summary>
    public long CountJsonText(ReadOnlySpan<byte> json, string encodingOrModel)
    {
        if (json.IsEmpty)
        {
            return 0;
        }

        var tokenizer = Tokenizer(ResolveEncoding(encodingOrModel));
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        long total = 0;
        var skipNext = false;
        char[]? buffer = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        skipNext = IsNonTextField(ref reader);
                        break;
                    case JsonTokenType.String:
                        if (!skipNext)
                        {
                            var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                            if (buffer is null || buffer.Length < length)
                            {
                                if (buffer is not null)
                                {
                                    ArrayPool<char>.Shared.Return(buffer);
                                }

                                buffer = ArrayPool<char>.Shared.Rent(Math.Max(length, 256));
                            }

                            var written = reader.CopyString(buffer);
                            total += tokenizer.CountTokens(buffer.AsSpan(0, written));
                        }

                        skipNext = false;
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (skipNext)
                        {
                            reader.Skip();
                            skipNext = false;
                        }

                        break;
                    default:
                        skipNext = false;
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Math.Max(total, json.Length / 4);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        return total;
    }

    private static bool IsNonTextField(ref Utf8JsonReader reader)
    {
        foreach (var field in NonTextFields)
        {
            if (reader.ValueTextEquals(field))
            {
                return true;
            }
        }

        return false;
    }

    private Tokenizer Tokenizer(string encoding) =>
        _tokenizers.GetOrAdd(encoding, name => new Lazy<Tokenizer>(() => TiktokenTokenizer.CreateForEncoding(name))).Value;
}
