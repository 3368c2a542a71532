// A borderless table whose columns are sized to fit the screen: numbers at their natural width, names sharing the rest.
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Tokentap.Engine.Live;

/// <summary>
/// Spectre's own sizing squeezes numeric columns until they wrap when a name is long; here numbers always keep their
/// width, flexible (name) columns share what is left, and columns with the lowest priority are left out while that
/// would cut a name shorter than 18 characters or the row would not fit; names are cut with an ellipsis last. A row
/// may carry a detail line drawn under it across the columns after the first (a prompt preview).
/// </summary>
internal sealed class ColumnTable
{
    private const int MinFlexibleWidth = 6;

    /// <summary>Names shorter than this are cut only when no other column can make room.</summary>
    private const int ComfortableWidth = 18;
    private readonly List<Column> _columns = new();
    private readonly List<(string[] Cells, Style Style)> _rows = new();
    private readonly Dictionary<int, LineText> _details = new();

    private sealed record Column(string Header, bool RightAligned, bool Flexible, int Priority);

    /// <summary>Adds a column; a higher priority stays longer when the screen is narrow.</summary>
    public ColumnTable Add(string header, bool rightAligned = false, bool flexible = false, int priority = 10)
    {
        _columns.Add(new Column(header, rightAligned, flexible, priority));
        return this;
    }

    public void AddRow(Style style, params string[] cells) => _rows.Add((cells, style));

    /// <summary>A line under the last row added, indented to where its second column starts.</summary>
    public void AddDetail(LineText line) => _details[_rows.Count - 1] = line;

    public IRenderable Build(int width, Style headerStyle)
    {
        var shown = Enumerable.Range(0, _columns.Count).ToList();
        int[] widths;
        while (true)
        {
            widths = Widths(shown, width, out var cramped);
            if ((!cramped && widths.Sum() + shown.Count - 1 <= width) || shown.Count == 1)
            {
                break;
            }

            var drop = shown.OrderBy(i => _columns[i].Priority).ThenByDescending(i => i).First();
            if (cramped && widths.Sum() + shown.Count - 1 <= width && _columns[drop].Flexible && shown.Count(i => _columns[i].Flexible) == 1)
            {
                break;
            }

            shown.Remove(drop);
        }

        var table = NewTable(shown, widths, headerStyle);
        var parts = new List<IRenderable> { table };
        for (var r = 0; r < _rows.Count; r++)
        {
            var (cells, style) = _rows[r];
            table.AddRow(shown.Select(i => (IRenderable)new Text(cells[i], style).Overflow(Overflow.Ellipsis)).ToArray());
            if (_details.TryGetValue(r, out var detail))
            {
                var indent = shown.Count > 1 ? widths[0] + 1 : 0;
                parts.Add(new LineText().Add(new string(' ', indent)).Add(detail));
                if (r < _rows.Count - 1)
                {
                    table = NewTable(shown, widths, headerStyle).HideHeaders();
                    parts.Add(table);
                }
            }
        }

        return parts.Count == 1 ? parts[0] : new Rows(parts);
    }

    // Every piece of a table cut by detail lines has the same column widths, so the columns line up across them.
    private Table NewTable(List<int> shown, int[] widths, Style headerStyle)
    {
        var table = new Table().Border(TableBorder.None).Collapse();
        for (var k = 0; k < shown.Count; k++)
        {
            var column = _columns[shown[k]];
            var header = new Text(column.Header, headerStyle).Overflow(Overflow.Ellipsis);
            var tableColumn = new TableColumn(header).NoWrap().Width(widths[k]).Padding(0, 0, k == shown.Count - 1 ? 0 : 1, 0);
            table.AddColumn(column.RightAligned ? tableColumn.RightAligned() : tableColumn);
        }

        return table;
    }

    /// <summary>Column widths; <paramref name="cramped"/> says a name got less than it comfortably needs.</summary>
    private int[] Widths(List<int> shown, int width, out bool cramped)
    {
        var natural = shown.Select(i => Math.Max(_columns[i].Header.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r.Cells[i].Length))).ToArray();
        var widths = natural.ToArray();
        cramped = false;
        var flexible = Enumerable.Range(0, shown.Count).Where(k => _columns[shown[k]].Flexible).ToList();
        if (flexible.Count == 0)
        {
            return widths;
        }

        // Fixed columns and separators first; the flexible ones share the rest, none above its natural width.
        var left = width - (shown.Count - 1) - Enumerable.Range(0, shown.Count).Where(k => !flexible.Contains(k)).Sum(k => widths[k]);
        var pending = flexible.OrderBy(k => natural[k]).ToList();
        while (pending.Count > 0)
        {
            var share = Math.Max(MinFlexibleWidth, left / pending.Count);
            var k = pending[0];
            widths[k] = Math.Min(natural[k], share);
            cramped |= widths[k] < Math.Min(natural[k], ComfortableWidth);
            left -= widths[k];
            pending.RemoveAt(0);
        }

        return widths;
    }
}
