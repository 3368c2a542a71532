// A budgets.json that cannot be used, with where the problem is.
namespace Tokentap.Engine.Budgets;

/// <summary>budgets.json is not valid JSON or breaks a rule; the message names the file, the line and the position.</summary>
public sealed class BudgetFileException : Exception
{
    public BudgetFileException(string path, long line, long position, string problem, Exception? inner = null)
        : base($"{path} line {line}, position {position}: {problem}", inner)
    {
        Path = path;
        Line = line;
        Position = position;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The 1-based line of the problem.</summary>
    public long Line { get; }

    /// <summary>The 1-based character position in that line.</summary>
    public long Position { get; }
}
