// Removes secrets from captured text before it is stored: the built-in shapes plus the user's own patterns.
using System.Buffers;
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Content;

/// <summary>
/// Applies <see cref="RedactionPatterns"/> and the extra patterns of content.json to every string content capture
/// keeps. A match becomes <c>[REDACTED:kind]</c> (the user's patterns: <c>[REDACTED:custom]</c>). A built-in pattern
/// runs only on text that holds its <see cref="RedactionAnchors"/> (checked again after each replacement, on the text
/// the pattern would see), so the result is the same as running every pattern, at the cost of a few vectorized scans
/// for the text that holds no secret. Thread-safe.
/// </summary>
internal sealed class Redaction
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly (RedactionPattern Pattern, MatchEvaluator Replacer)[] _patterns;
    private readonly bool _hasExtraPatterns;

    public Redaction(IEnumerable<string> extraPatterns)
    {
        var extra = extraPatterns
            .Select(p => new RedactionPattern("custom", new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, Timeout), null))
            .ToList();
        _hasExtraPatterns = extra.Count > 0;
        _patterns = RedactionPatterns.All.Concat(extra).Select(p => (p, (MatchEvaluator)(m => Replace(m, p.Kind)))).ToArray();
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

        foreach (var (pattern, replacer) in _patterns)
        {
            if (pattern.Anchors is { } anchors && !anchors.MayMatch(text))
            {
                continue;
            }

            try
            {
                text = pattern.Regex.Replace(text, replacer);
            }
            catch (RegexMatchTimeoutException)
            {
                return $"[REDACTED: {text.Length} characters, a redaction pattern timed out]";
            }
        }

        return text;
    }

    /// <summary>
    /// True when <see cref="Apply"/> would return this UTF-8 text unchanged because no pattern can match it: no built-in
    /// pattern's anchors are in it and content.json adds no pattern (those are not analysed). False means "maybe".
    /// </summary>
    public bool CannotMatch(ReadOnlySpan<byte> utf8)
    {
        if (_hasExtraPatterns)
        {
            return false;
        }

        if (utf8.IsEmpty)
        {
            return true;
        }

        var hasKelvin = utf8.IndexOf(RedactionAnchors.KelvinUtf8) >= 0;
        var rented = ArrayPool<byte>.Shared.Rent(utf8.Length);
        try
        {
            var lowered = rented.AsSpan(0, utf8.Length);
            RedactionAnchors.LowerAscii(utf8, lowered);
            foreach (var (pattern, _) in _patterns)
            {
                if (pattern.Anchors!.MayMatch(utf8, lowered, hasKelvin))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // The match redacted, keeping its "keep" group; a value an earlier pattern already redacted stays as it is.
    private static string Replace(Match match, string kind)
    {
        var keep = match.Groups["keep"] is { Success: true } group ? group.Value : "";
        var value = match.Value.AsSpan(keep.Length).TrimStart();
        return value.StartsWith("[REDACTED", StringComparison.Ordinal) ? match.Value : keep + $"[REDACTED:{kind}]";
    }
}
