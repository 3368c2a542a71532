// One line of styled text that never wraps: cut with an ellipsis when the screen is narrower than the line.
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Tokentap.Engine.Live;

/// <summary>
/// Spectre's Markup and Paragraph wrap at spaces, which would push a status line onto the next section; the live view
/// wants each of these lines to stay one line and lose its end instead.
/// </summary>
internal sealed class LineText : IRenderable
{
    private readonly List<(string Text, Style Style)> _parts = new();

    /// <summary>The line's width in cells.</summary>
    public int Length => _parts.Sum(p => Cells(p.Text));

    public LineText Add(string text, Style? style = null)
    {
        if (text.Length > 0)
        {
            _parts.Add((text, style ?? Style.Plain));
        }

        return this;
    }

    public LineText Add(LineText other)
    {
        _parts.AddRange(other._parts);
        return this;
    }

    /// <summary>Left and right parts on one line of <paramref name="width"/>, the left one cut first.</summary>
    public static LineText Spread(LineText left, LineText right, int width)
    {
        var room = width - right.Length - 2;
        if (room < 8)
        {
            return left;
        }

        var line = new LineText().Add(left.Cut(room));
        return line.Add(new string(' ', Math.Max(2, width - line.Length - right.Length))).Add(right);
    }

    public Measurement Measure(RenderOptions options, int maxWidth)
    {
        var width = Math.Min(Length, maxWidth);
        return new Measurement(width, width);
    }

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) =>
        Cut(maxWidth)._parts.Select(p => new Segment(p.Text, p.Style));

    /// <summary>The line cut to at most <paramref name="width"/> cells, ending in '…' when something was cut.</summary>
    private LineText Cut(int width)
    {
        if (Length <= width)
        {
            return this;
        }

        var cut = new LineText();
        var left = Math.Max(0, width - 1);
        foreach (var (text, style) in _parts)
        {
            if (left == 0)
            {
                break;
            }

            var piece = Cells(text) <= left ? text : Take(text, left);
            cut.Add(piece, style);
            left -= Cells(piece);
        }

        return width > 0 ? cut.Add("…", Style.Plain) : cut;
    }

    /// <summary>
    /// Every character the view writes itself (ASCII, box and block characters, '…', '⚠') takes one cell; text from
    /// elsewhere (a prompt preview) may hold wide characters (CJK, emoji: two cells) or zero-width ones.
    /// </summary>
    private static int Cells(string text)
    {
        foreach (var c in text)
        {
            if (c >= '\u1100' && !IsOwn(c))
            {
                return new Segment(text).CellCount();
            }
        }

        return text.Length;
    }

    private static bool IsOwn(char c) => c is '…' or '⚠' or '·' or '↳' or (>= '\u2500' and <= '\u259F');

    /// <summary>The longest start of the text that takes at most <paramref name="cells"/> cells, whole characters only.</summary>
    private static string Take(string text, int cells)
    {
        var used = 0;
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var width = rune.Value < 0x1100 || (rune.IsBmp && IsOwn((char)rune.Value)) ? 1 : new Segment(rune.ToString()).CellCount();
            if (used + width > cells)
            {
                break;
            }

            used += width;
            end += rune.Utf16SequenceLength;
        }

        return text[..end];
    }
}
