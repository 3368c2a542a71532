// Adds or removes the marked block in a PowerShell profile that imports Tokentap and starts it in every new session.
namespace Tokentap.Engine.AutoStart;

/// <summary>
/// Edits one clearly marked block and nothing else, keeping the file's line endings; both operations are idempotent.
/// </summary>
public static class ProfileAutoStart
{
    public const string BeginMarker = "# >>> Tokentap auto-start >>>";
    public const string EndMarker = "# <<< Tokentap auto-start <<<";

    /// <summary>
    /// The block's lines for the given Import-Module target and Start-Tokentap arguments. The import's own result
    /// (-PassThru) says whether to start: a Get-Module call after it cost every new shell about 8 ms more.
    /// </summary>
    public static IReadOnlyList<string> BlockLines(string importTarget, string startArguments)
    {
        var start = string.IsNullOrWhiteSpace(startArguments) ? "Start-Tokentap" : "Start-Tokentap " + startArguments.Trim();
        return new[]
        {
            BeginMarker,
            $"if (Import-Module '{importTarget.Replace("'", "''", StringComparison.Ordinal)}' -ErrorAction SilentlyContinue -PassThru) {{ {start} }}",
            EndMarker,
        };
    }

    /// <summary>Adds the block, or replaces a different one, creating the file and its folder when missing.</summary>
    public static ProfileChange Enable(string profilePath, string importTarget, string startArguments = "")
    {
        var block = BlockLines(importTarget, startArguments);
        var (lines, newline, exists) = Read(profilePath);
        var (begin, end) = FindBlock(lines, profilePath);
        var blockText = string.Join(newline, block);
        ProfileChangeAction action;
        if (begin >= 0)
        {
            if (lines.Skip(begin).Take(end - begin + 1).SequenceEqual(block))
            {
                return new ProfileChange(profilePath, ProfileChangeAction.Unchanged, blockText);
            }

            lines.RemoveRange(begin, end - begin + 1);
            lines.InsertRange(begin, block);
            action = ProfileChangeAction.Updated;
        }
        else
        {
            if (lines.Count > 0 && lines[^1].Length > 0)
            {
                lines.Add("");
            }

            lines.AddRange(block);
            action = ProfileChangeAction.Added;
        }

        if (!exists)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(profilePath))!);
        }

        Write(profilePath, lines, newline);
        return new ProfileChange(profilePath, action, blockText);
    }

    /// <summary>Removes the block (and the blank line Enable put before it), leaving the rest of the file as it was.</summary>
    public static ProfileChange Disable(string profilePath)
    {
        var (lines, newline, exists) = Read(profilePath);
        var (begin, end) = exists ? FindBlock(lines, profilePath) : (-1, -1);
        if (begin < 0)
        {
            return new ProfileChange(profilePath, ProfileChangeAction.NotPresent, null);
        }

        var blockText = string.Join(newline, lines.Skip(begin).Take(end - begin + 1));
        lines.RemoveRange(begin, end - begin + 1);
        if (begin > 0 && begin == lines.Count && lines[begin - 1].Length == 0)
        {
            lines.RemoveAt(begin - 1);
        }

        Write(profilePath, lines, newline);
        return new ProfileChange(profilePath, ProfileChangeAction.Removed, blockText);
    }

    /// <summary>True when the profile holds the block.</summary>
    public static bool IsEnabled(string profilePath)
    {
        var (lines, _, exists) = Read(profilePath);
        return exists && FindBlock(lines, profilePath).Begin >= 0;
    }

    private static (List<string> Lines, string Newline, bool Exists) Read(string path)
    {
        if (!File.Exists(path))
        {
            return (new List<string>(), Environment.NewLine, false);
        }

        var text = File.ReadAllText(path);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : text.Contains('\n') ? "\n" : Environment.NewLine;
        var lines = text.Split(newline).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return (lines, newline, true);
    }

    private static void Write(string path, List<string> lines, string newline) =>
        File.WriteAllText(path, lines.Count == 0 ? "" : string.Join(newline, lines) + newline);

    private static (int Begin, int End) FindBlock(List<string> lines, string path)
    {
        var begin = lines.FindIndex(l => l.Trim() == BeginMarker);
        if (begin < 0)
        {
            return (-1, -1);
        }

        var end = lines.FindIndex(begin, l => l.Trim() == EndMarker);
        if (end < 0)
        {
            throw new InvalidDataException($"{path}: the Tokentap auto-start block starts at line {begin + 1} but its end marker '{EndMarker}' is missing. Fix the file by hand.");
        }

        return (begin, end);
    }
}
