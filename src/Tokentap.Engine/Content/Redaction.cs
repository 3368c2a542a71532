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
        if (RedactionPatterns.All.Count > 64)
        {
            throw new InvalidOperationException("Screen keeps one bit per built-in pattern: at most 64");
        }

        _patterns = RedactionPatterns.All.Concat(extra).Select(p => (p, (MatchEvaluator)(m => Replace(m, p.Kind)))).ToArray();
    }

    /// <summary>content.json adds patterns (which are not screened).</summary>
    public bool HasExtraPatterns => _hasExtraPatterns;

    /// <summary>Redaction with the built-in patterns only.</summary>
    public static Redaction BuiltIn { get; } = new([]);

    /// <summary>The text with every secret replaced; a pattern that times out replaces the whole text.</summary>
    public string Apply(string text) => Apply(text, null);

    /// <summary>
    /// <see cref="Apply(string)"/> for a text <see cref="Screen"/> has already looked at as UTF-8: its answer stands
    /// for the text until a pattern replaces something, then each remaining pattern screens the new text itself.
    /// </summary>
    public string Apply(string text, ulong? screened)
    {
        if (text.Length == 0)
        {
            return text;
        }

        for (var i = 0; i < _patterns.Length; i++)
        {
            var (pattern, replacer) = _patterns[i];
            if (pattern.Anchors is { } anchors && !(screened is { } bits ? (bits & (1UL << i)) != 0 : anchors.MayMatch(text)))
            {
                continue;
            }

            try
            {
                var replaced = pattern.Regex.Replace(text, replacer);
                if (!ReferenceEquals(replaced, text))
                {
                    text = replaced;
                    screened = null;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return $"[REDACTED: {text.Length} characters, a redaction pattern timed out]";
            }
        }

        return text;
    }

    /// <summary>
    /// True when <see cref="Apply(string)"/> would return this UTF-8 text unchanged because no pattern can match it: no
    /// built-in pattern's anchors are in it and content.json adds no pattern (those are not analysed). False means "maybe".
    /// </summary>
    public bool CannotMatch(ReadOnlySpan<byte> utf8) => !_hasExtraPatterns && Screen(utf8) == 0;

    /// <summary>
    /// Which built-in patterns could match this UTF-8 text: bit i for <see cref="RedactionPatterns.All"/>[i] (the
    /// patterns of content.json are not screened; they always run).
    /// </summary>
    public ulong Screen(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return 0;
        }

        var hasKelvin = utf8.IndexOf(RedactionAnchors.KelvinUtf8) >= 0;
        var rented = ArrayPool<byte>.Shared.Rent(utf8.Length);
        try
        {
            var lowered = rented.AsSpan(0, utf8.Length);
            RedactionAnchors.LowerAscii(utf8, lowered);
            var bits = 0UL;
            for (var i = 0; i < _patterns.Length; i++)
            {
                if (_patterns[i].Pattern.Anchors is { } anchors && anchors.MayMatch(utf8, lowered, hasKelvin))
                {
                    bits |= 1UL << i;
                }
            }

            return bits;
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
