// Case-insensitive matching of label values against PowerShell wildcard patterns: * ? [abc] [a-z] and ` escapes.
namespace Tokentap.Engine.Usage;

/// <summary>
/// A compiled pattern with the semantics of PowerShell's WildcardPattern (about_Wildcards) under IgnoreCase:
/// <c>*</c> matches any run of characters, <c>?</c> exactly one, <c>[abc]</c> one of the listed characters,
/// <c>[a-z]</c> one in the range, and a backtick makes the next character literal. As in PowerShell, a <c>]</c>
/// right after <c>[</c> is a member of the set, a <c>-</c> first or last in a set is literal, a trailing backtick
/// is literal (the pattern "`" alone is empty), and an unclosed <c>[</c> or a reversed range is refused.
/// </summary>
internal sealed class WildcardPattern
{
    private readonly Element[] _elements;
    private readonly (char Low, char High)[] _ranges;
    private readonly string? _literal;

    /// <exception cref="ArgumentException">An unclosed <c>[</c> or a range whose start is after its end.</exception>
    public WildcardPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var elements = new List<Element>();
        var ranges = new List<(char Low, char High)>();
        Parse(pattern, elements, ranges);
        _elements = elements.ToArray();
        _ranges = ranges.ToArray();
        if (elements.TrueForAll(e => e.Kind == ElementKind.Literal))
        {
            _literal = string.Concat(elements.Select(e => e.Char));
        }
    }

    private enum ElementKind : byte
    {
        Literal,
        AnyChar,
        AnyRun,
        Set,
    }

    /// <summary>Whether the value matches; a null value is matched as the empty string.</summary>
    public bool IsMatch(string? value)
    {
        value ??= "";
        return _literal is not null ? string.Equals(_literal, value, StringComparison.OrdinalIgnoreCase) : Match(value);
    }

    // The grammar of PowerShell's WildcardPatternParser: outside a set * ? [ are special unless escaped; inside a set
    // only an unescaped ] (not the first member) ends it; a backtick escapes the next character everywhere.
    private static void Parse(string pattern, List<Element> elements, List<(char Low, char High)> ranges)
    {
        var escaped = false;
        var inSet = false;
        var setStart = 0;
        var members = new List<(char Char, bool IsDash)>();
        foreach (var c in pattern)
        {
            if (inSet)
            {
                if (c == ']' && !escaped && members.Count > 0)
                {
                    inSet = false;
                    AddSet(pattern, members, ranges);
                    elements.Add(new Element(ElementKind.Set, '\0', setStart, ranges.Count));
                }
                else if (c != '`' || escaped)
                {
                    members.Add((c, c == '-' && !escaped));
                }
            }
            else if (c == '*' && !escaped)
            {
                elements.Add(new Element(ElementKind.AnyRun, '\0', 0, 0));
            }
            else if (c == '?' && !escaped)
            {
                elements.Add(new Element(ElementKind.AnyChar, '\0', 0, 0));
            }
            else if (c == '[' && !escaped)
            {
                inSet = true;
                setStart = ranges.Count;
                members.Clear();
            }
            else if (c != '`' || escaped)
            {
                elements.Add(new Element(ElementKind.Literal, c, 0, 0));
            }

            escaped = c == '`' && !escaped;
        }

        if (inSet)
        {
            throw new ArgumentException($"The wildcard pattern '{pattern}' is not valid: a '[' is not closed by ']' (write `[ for a literal '[').", nameof(pattern));
        }

        if (escaped && pattern != "`")
        {
            elements.Add(new Element(ElementKind.Literal, '`', 0, 0));
        }
    }

    // A set's members become ranges: "x-y" (an unescaped dash between two members) is a range, anything else one char.
    private static void AddSet(string pattern, List<(char Char, bool IsDash)> members, List<(char Low, char High)> ranges)
    {
        var i = 0;
        while (i < members.Count)
        {
            if (i + 2 < members.Count && members[i + 1].IsDash)
            {
                var (low, high) = (members[i].Char, members[i + 2].Char);
                if (low > high)
                {
                    throw new ArgumentException($"The wildcard pattern '{pattern}' is not valid: the range {low}-{high} runs backwards.", nameof(pattern));
                }

                ranges.Add((low, high));
                i += 3;
            }
            else
            {
                ranges.Add((members[i].Char, members[i].Char));
                i++;
            }
        }
    }

    // Greedy match with one backtrack point (the last *): every other element takes exactly one character, so this
    // is exact, linear for typical patterns, and allocates nothing.
    private bool Match(string value)
    {
        int p = 0, v = 0, starP = -1, starV = 0;
        var elements = _elements;
        while (v < value.Length)
        {
            if (p < elements.Length && elements[p].Kind != ElementKind.AnyRun && Matches(elements[p], value[v]))
            {
                p++;
                v++;
            }
            else if (p < elements.Length && elements[p].Kind == ElementKind.AnyRun)
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

        while (p < elements.Length && elements[p].Kind == ElementKind.AnyRun)
        {
            p++;
        }

        return p == elements.Length;
    }

    private bool Matches(in Element element, char c) => element.Kind switch
    {
        ElementKind.Literal => CharEquals(element.Char, c),
        ElementKind.AnyChar => true,
        _ => InSet(element, c),
    };

    private bool InSet(in Element set, char c)
    {
        var upper = char.ToUpperInvariant(c);
        var lower = char.ToLowerInvariant(c);
        for (var i = set.RangeStart; i < set.RangeEnd; i++)
        {
            var (low, high) = _ranges[i];
            if ((c >= low && c <= high) || (upper >= low && upper <= high) || (lower >= low && lower <= high))
            {
                return true;
            }
        }

        return false;
    }

    private static bool CharEquals(char a, char b) => a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);

    /// <summary>One position of the pattern; a set's ranges are _ranges[RangeStart..RangeEnd).</summary>
    private readonly record struct Element(ElementKind Kind, char Char, int RangeStart, int RangeEnd);
}
