// Facade use case of Measure-TokenCount: tokens in a text with OpenAI's tiktoken encodings.
using Tokentap.Engine.Tokenizing;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>The default encoding (GPT-4o and later).</summary>
    public const string DefaultEncoding = TokenEstimator.O200kBase;

    /// <summary>The older encoding (GPT-4, GPT-3.5).</summary>
    public const string LegacyEncoding = TokenEstimator.Cl100kBase;

    /// <summary>
    /// Counts the tokens of <paramref name="text"/> with an encoding, or the encoding a model uses (an estimate for
    /// non-OpenAI models); null: the default encoding. <paramref name="source"/> names the file counted, if any.
    /// </summary>
    public static TokenCount CountTokens(string text, string? encodingOrModel, string? source)
    {
        var encoding = TokenEstimator.ResolveEncoding(encodingOrModel ?? DefaultEncoding);
        return new TokenCount(encoding, TokenEstimator.Shared.CountTokens(text, encoding), text.Length, source);
    }

    /// <summary>Counts the tokens of a file's text (read as UTF-8 unless it has a byte order mark). Throws FileReadFailed.</summary>
    public static TokenCount CountTokensInFile(string path, string? encodingOrModel)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (EngineFailures.FileRead(ex, path) is { } failure)
        {
            throw failure;
        }

        return CountTokens(text, encodingOrModel, path);
    }
}
