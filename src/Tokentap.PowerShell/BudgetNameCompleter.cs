// Tab completion for -Name of the budget cmdlets from budgets.json.
namespace Tokentap.PowerShell;

/// <summary>Completes budget names; none when budgets.json cannot be read.</summary>
public sealed class BudgetNameCompleter : KnownValueCompleter
{
    private protected override IEnumerable<string> Values() => ModuleState.Engine.BudgetNames();
}
