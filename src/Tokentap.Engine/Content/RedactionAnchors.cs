// The literals a redaction pattern cannot match without: a vectorized scan that lets most text skip the pattern.
using System.Runtime.Intrinsics;
using System.Text;

namespace Tokentap.Engine.Content;

/// <summary>
/// Every match of one built-in pattern contains at least one of <see cref="Ordinal"/> (as written) or of the
/// ignore-case literals (in any ASCII case), and, when <see cref="AlsoOneOf"/> is set, one of those characters too. A
/// text without them cannot match, so the pattern is not run on it; a text with them is only a candidate (the pattern
/// decides). The regex engine's ignore-case matching also takes the Kelvin sign (U+212A) for k (the only non-ASCII
/// character it equates with an ASCII letter), so a text holding one is a candidate for any ignore-case literal with a k.
/// </summary>
internal sealed class RedactionAnchors
{
    private const char Kelvin = '\u212A';
    private readonly string[] _ordinal;
    private readonly string[] _ignoreCase;
    private readonly byte[][] _ordinalUtf8;
    private readonly byte[][] _ignoreCaseUtf8;
    private readonly bool _kelvinMatters;

    /// <param name="ordinal">Case-sensitive literals.</param>
    /// <param name="ignoreCase">Literals the pattern matches in any case, given in lower case.</param>
    /// <param name="alsoOneOf">One or two characters of which every match also holds one (empty: no such condition).</param>
    public RedactionAnchors(string[] ordinal, string[] ignoreCase, string alsoOneOf = "")
    {
        if (ignoreCase.Any(l => l.Length == 0 || l != l.ToLowerInvariant() || !Ascii.IsValid(l)) || ordinal.Any(l => l.Length == 0 || !Ascii.IsValid(l))
            || !Ascii.IsValid(alsoOneOf) || alsoOneOf.Length > 2 || ordinal.Length + ignoreCase.Length == 0)
        {
            throw new ArgumentException("anchors are non-empty ASCII literals, ignore-case ones in lower case, and at most two characters");
        }

        _ordinal = ordinal;
        _ignoreCase = ignoreCase;
        AlsoOneOf = alsoOneOf;
        _ordinalUtf8 = ordinal.Select(Encoding.ASCII.GetBytes).ToArray();
        _ignoreCaseUtf8 = ignoreCase.Select(Encoding.ASCII.GetBytes).ToArray();
        _kelvinMatters = ignoreCase.Any(l => l.Contains('k', StringComparison.Ordinal));
    }

    public IReadOnlyList<string> Ordinal => _ordinal;

    public IReadOnlyList<string> IgnoreCase => _ignoreCase;

    public string AlsoOneOf { get; }

    /// <summary>The Kelvin sign in UTF-8.</summary>
    public static ReadOnlySpan<byte> KelvinUtf8 => "\u212A"u8;

    /// <summary>Whether the pattern could match <paramref name="text"/>.</summary>
    public bool MayMatch(ReadOnlySpan<char> text)
    {
        if (AlsoOneOf.Length > 0 && text.IndexOfAny(AlsoOneOf) < 0)
        {
            return false;
        }

        // The arrays themselves, not the interfaces: no enumerator is allocated per call.
        foreach (var literal in _ordinal)
        {
            if (text.IndexOf(literal, StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        if (_kelvinMatters && text.Contains(Kelvin))
        {
            return true;
        }

        foreach (var literal in _ignoreCase)
        {
            if (text.IndexOf(literal, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the pattern could match the UTF-8 <paramref name="text"/>; <paramref name="lowered"/> is the same text
    /// through <see cref="LowerAscii"/> and <paramref name="hasKelvin"/> whether it holds the Kelvin sign.
    /// </summary>
    public bool MayMatch(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowered, bool hasKelvin)
    {
        if (AlsoOneOf.Length > 0 && !HasAnyOf(text, AlsoOneOf))
        {
            return false;
        }

        foreach (var literal in _ordinalUtf8)
        {
            if (text.IndexOf(literal) >= 0)
            {
                return true;
            }
        }

        if (_kelvinMatters && hasKelvin)
        {
            return true;
        }

        foreach (var literal in _ignoreCaseUtf8)
        {
            if (lowered.IndexOf(literal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies <paramref name="source"/> with A to Z made lower case (every other byte as it is).</summary>
    public static void LowerAscii(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var a = Vector128.Create((byte)'A');
            var letters = Vector128.Create((byte)26);
            var bit = Vector128.Create((byte)0x20);
            for (; i + Vector128<byte>.Count <= source.Length; i += Vector128<byte>.Count)
            {
                var v = Vector128.Create(source.Slice(i, Vector128<byte>.Count));
                var upper = Vector128.LessThan(v - a, letters);
                (v | (upper & bit)).CopyTo(destination.Slice(i, Vector128<byte>.Count));
            }
        }

        for (; i < source.Length; i++)
        {
            var b = source[i];
            destination[i] = (uint)(b - 'A') < 26 ? (byte)(b | 0x20) : b;
        }
    }

    private static bool HasAnyOf(ReadOnlySpan<byte> text, string characters) => characters.Length == 1
        ? text.IndexOf((byte)characters[0]) >= 0
        : text.IndexOfAny((byte)characters[0], (byte)characters[1]) >= 0;
}
