// Removes secrets from captured text before it is stored: the built-in shapes plus the user's own patterns.
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Content;

/// <summary>
/// Applies <see cref="RedactionPatterns"/> and the extra patterns of content.json to every string content capture
/// keeps. A match becomes <c>[REDACTED:kind]</c> (the user's patterns: <c>[REDACTED:custom]</c>). Thread-safe.
/// </summary>
internal sealed class Redaction
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly IReadOnlyList<(string Kind, Regex Pattern)> _patterns;

    public Redaction(IEnumerable<string> extraPatterns)
    {
        var extra = extraPatterns
            .Select(p => ("custom", new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, Timeout)))
            .ToList();
        _patterns = RedactionPatterns.All.Concat(extra).ToList();
    }

    /// <summary>Redaction with the built-in patterns only.</summary>
    public static Redaction BuiltIn { get; } = new([]);

    /// <summary>The text with every secret replaced; a pattern that times out replaces the whole text.</summary>
    public string Apply(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        foreach (var (kind, pattern) in _patterns)
        {
            try
            {
                text = pattern.Replace(text, m => Replace(m, kind));
            }
            catch (RegexMatchTimeoutException)
            {
                return $"[REDACTED: {text.Length} characters, a redaction pattern timed out]";
            }
        }

        return text;
    }

    // The match redacted, keeping its "keep" group; a value an earlier pattern already redacted stays as it is.
    private static string Replace(Match match, string kind)
    {
        var keep = match.Groups["keep"] is { Success: true } group ? group.Value : "";
        var value = match.Value.AsSpan(keep.Length).TrimStart();
        return value.StartsWith("[REDACTED", StringComparison.Ordinal) ? match.Value : keep + $"[REDACTED:{kind}]";
    }
}
