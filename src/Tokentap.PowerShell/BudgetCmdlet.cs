// Shared plumbing of the budget cmdlets: the engine failures they report, with stable error ids.
using System.Management.Automation;
using Tokentap.Engine.Budgets;

namespace Tokentap.PowerShell;

/// <summary>Base of Get-, Set- and Remove-TokentapBudget.</summary>
public abstract class BudgetCmdlet : TokentapCmdlet
{
    /// <summary>budgets.json cannot be read: the message names the line and position.</summary>
    protected const string BudgetFileInvalid = nameof(BudgetFileInvalid);

    /// <summary>The settings given are not a valid budget.</summary>
    protected const string InvalidBudgetSettings = nameof(InvalidBudgetSettings);

    /// <summary>No budget has the name given (without wildcards).</summary>
    protected const string BudgetNotFound = nameof(BudgetNotFound);

    /// <summary>Runs an engine call; a bad budgets.json or invalid settings become error records, true when it succeeded.</summary>
    private protected bool TryEngine(Action call, object? target)
    {
        try
        {
            call();
            return true;
        }
        catch (BudgetFileException ex)
        {
            WriteError(ex, BudgetFileInvalid, ErrorCategory.InvalidData, ex.Path);
        }
        catch (ArgumentException ex)
        {
            WriteError(ex, InvalidBudgetSettings, ErrorCategory.InvalidArgument, target);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            WriteStoreError(ex, ModuleState.Engine.Runtime.Paths.DatabasePath);
        }

        return false;
    }

    /// <summary>Reports names without wildcards that matched no budget.</summary>
    private protected void WriteMissing(IEnumerable<string> names, IReadOnlyCollection<TokentapBudget> found)
    {
        foreach (var name in names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            if (!found.Any(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                WriteError(new ItemNotFoundException($"There is no budget '{name}'. Get-TokentapBudget lists them; Set-TokentapBudget creates one."), BudgetNotFound, ErrorCategory.ObjectNotFound, name);
            }
        }
    }
}
