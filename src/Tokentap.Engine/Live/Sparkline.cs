// Draws a series as a block sparkline of a given width and height (Unicode eighth blocks, or ASCII).
namespace Tokentap.Engine.Live;

/// <summary>
/// Fits the values to the width (adjacent values summed when there are more values than columns, each value repeated
/// when there are fewer) and scales them so the largest fills the height. Zero stays blank; any non-zero value shows
/// at least the lowest mark, so a single cheap request is still visible.
/// </summary>
internal static class Sparkline
{
    private const string Blocks = " ▁▂▃▄▅▆▇█";
    private const string AsciiBlocks = " ..::-=+#";

    /// <summary>The lines of the sparkline, top first.</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<double> values, int width, int height, bool unicode)
    {
        var marks = unicode ? Blocks : AsciiBlocks;
        var columns = Fit(values, width);
        var max = columns.Count == 0 ? 0 : columns.Max();
        var lines = new char[height][];
        for (var row = 0; row < height; row++)
        {
            lines[row] = new char[columns.Count];
        }

        for (var column = 0; column < columns.Count; column++)
        {
            var eighths = max <= 0 || columns[column] <= 0 ? 0 : Math.Max(1, (int)Math.Round(columns[column] / max * height * 8));
            for (var row = 0; row < height; row++)
            {
                var fromBottom = height - 1 - row;
                var level = Math.Clamp(eighths - fromBottom * 8, 0, 8);
                lines[row][column] = marks[level];
            }
        }

        return lines.Select(l => new string(l)).ToList();
    }

    private static List<double> Fit(IReadOnlyList<double> values, int width)
    {
        var columns = new List<double>(width);
        if (values.Count == 0 || width <= 0)
        {
            return columns;
        }

        if (values.Count > width)
        {
            var group = (values.Count + width - 1) / width;
            for (var i = 0; i < values.Count; i += group)
            {
                columns.Add(values.Skip(i).Take(group).Sum());
            }

            return columns;
        }

        var repeat = width / values.Count;
        foreach (var value in values)
        {
            columns.AddRange(Enumerable.Repeat(value, repeat));
        }

        return columns;
    }
}
