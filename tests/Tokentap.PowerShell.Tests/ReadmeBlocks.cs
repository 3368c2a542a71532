// Reads the fenced code blocks of one README section, so tests run the README's own lines rather than copies of them.
namespace Tokentap.PowerShell.Tests;

public static class ReadmeBlocks
{
    /// <summary>
    /// The ```powershell blocks under the "## <paramref name="heading"/>" heading (up to the next "## " heading),
    /// each as its lines, in order.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> PowerShell(string markdown, string heading)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "## " + heading);
        if (start < 0)
        {
            throw new InvalidOperationException($"README.md has no '## {heading}' section.");
        }

        var blocks = new List<IReadOnlyList<string>>();
        List<string>? block = null;
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var line = lines[i];
            if (block is null && line.TrimEnd() == "```powershell")
            {
                block = new List<string>();
            }
            else if (block is not null && line.TrimEnd() == "```")
            {
                blocks.Add(block);
                block = null;
            }
            else
            {
                block?.Add(line);
            }
        }

        return blocks;
    }
}
