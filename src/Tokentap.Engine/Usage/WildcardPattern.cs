// Case-insensitive matching of label values against patterns with * and ? wildcards.
namespace Tokentap.Engine.Usage;

/// <summary>A compiled pattern: * matches any run of characters, ? exactly one; everything else compares ignoring case.</summary>
internal sealed class WildcardPattern
{
    private readonly string _pattern;
    private readonly bool _literal;

    public WildcardPattern(string pattern)
    {
        _pattern = pattern;
        _literal = pattern.AsSpan().IndexOfAny('*', '?') < 0;
    }

    /// <summary>True for a pattern without wildcards (an exact value).</summary>
    public bool IsLiteral => _literal;

    /// <summary>Whether the value matches; a null value is matched as the empty string.</summary>
    public bool IsMatch(string? value)
    {
        value ??= "";
        return _literal ? string.Equals(_pattern, value, StringComparison.OrdinalIgnoreCase) : Match(_pattern, value);
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        // Greedy match with a single backtrack point per star: linear for typical patterns, no recursion.
        int p = 0, v = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || CharEquals(pattern[p], value[v])))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starV = v;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                v = ++starV;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool CharEquals(char a, char b) => a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
