// The names users give wire formats in -InterceptHost host=format entries, and the check of such an entry.
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>Maps the user-facing wire format names (anthropic, openai-chat, openai-responses, gemini) to parsers.</summary>
public static class WireFormatNames
{
    private static readonly (string Name, WireFormat Format)[] Formats =
    {
        ("anthropic", WireFormat.AnthropicMessages),
        ("openai-chat", WireFormat.OpenAiChat),
        ("openai-responses", WireFormat.OpenAiResponses),
        ("gemini", WireFormat.Gemini),
    };

    /// <summary>Every name, in the order help lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = Formats.Select(f => f.Name).ToArray();

    /// <summary>
    /// Checks one intercept entry ("host" or "host=format"): the host as <see cref="InterceptHostList.ParseEntry"/>
    /// does, and the format name against <see cref="Names"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The entry is not valid; the message quotes it and lists the format names.</exception>
    public static void ValidateInterceptHost(string entry)
    {
        var (_, format) = InterceptHostList.ParseEntry(entry);
        if (format is not null && !TryParse(format, out _))
        {
            throw new ArgumentException(
                $"'{entry}' names the wire format '{format}', which Tokentap does not know; use one of: {string.Join(", ", Names)}.");
        }
    }

    /// <summary>The format for a name (case-insensitive); false for an unknown or missing name.</summary>
    internal static bool TryParse(string? name, out WireFormat format)
    {
        foreach (var (known, value) in Formats)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                format = value;
                return true;
            }
        }

        format = default;
        return false;
    }
}
