// Tab completion for -Provider, -Model, -App, -Session and -Project from the values in the usage store.
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Tokentap.Engine.Usage;

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

/// <summary>Completes a usage label from the distinct values the store holds.</summary>
public abstract class UsageValueCompleter : KnownValueCompleter
{
    private protected abstract UsageField Field { get; }

    private protected override IEnumerable<string> Values()
    {
        try
        {
            return ModuleState.Runtime.Store.GetValues(Field);
        }
        catch (Exception ex) when (StoreFailure.Classify(ex) is not null)
        {
            return Array.Empty<string>();
        }
    }
}

public sealed class ProviderCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.Provider;
}

public sealed class ModelCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.Model;
}

public sealed class AppCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.App;
}

public sealed class SessionCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.Session;
}

public sealed class ProjectCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.Project;
}
