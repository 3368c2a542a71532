// Tab completion from the values Tokentap knows, with the same prefix matching and quoting for every parameter.
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Tokentap.PowerShell;

/// <summary>Completes a parameter from the values Tokentap knows, quoting those the parser would split.</summary>
public abstract class KnownValueCompleter : IArgumentCompleter
{
    /// <summary>The candidate values; none when they cannot be read right now.</summary>
    private protected abstract IEnumerable<string> Values();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = wordToComplete.Trim('\'', '"');
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
        return Values()
            .Where(v => pattern.IsMatch(v))
            .Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, v))
            .ToList();
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ',' or ';' or '(' or ')' or '{' or '}' or '@' or '#')
            ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'"
            : value;
}
