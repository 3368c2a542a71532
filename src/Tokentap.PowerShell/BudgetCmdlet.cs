// Shared plumbing of the budget cmdlets: the engine failures they report, with stable error ids.
using System.Management.Automation;

namespace Tokentap.PowerShell;

/// <summary>Base of Get-, Set- and Remove-TokentapBudget.</summary>
public abstract class BudgetCmdlet : TokentapCmdlet
{
    /// <summary>No budget has the name given (without wildcards).</summary>
    protected const string BudgetNotFound = nameof(BudgetNotFound);

    /// <summary>Runs an engine call; its failures (BudgetFileInvalid, InvalidBudgetSettings, store) become error records; true when it succeeded.</summary>
    private protected bool TryEngine(Action call)
    {
        try
        {
            call();
            return true;
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
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
