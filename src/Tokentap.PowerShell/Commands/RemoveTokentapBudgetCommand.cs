// Remove-TokentapBudget: removes budgets from budgets.json by name (wildcards) or from the pipeline.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Remove, "TokentapBudget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveTokentapBudgetCommand : BudgetCmdlet
{
    /// <summary>Budget names (wildcards allowed), or budgets piped from Get-TokentapBudget.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BudgetNameCompleter))]
    [SupportsWildcards]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        IReadOnlyList<TokentapBudget> budgets = [];
        if (TryEngine(() => budgets = Engine.GetBudgets(Name)))
        {
            WriteMissing(Name, budgets);
            var path = Engine.BudgetFilePath;
            foreach (var budget in budgets)
            {
                if (ShouldProcess(path, $"Remove budget '{budget.Name}' ({budget.Action} at ${budget.Amount} per {budget.Period}; {budget.Scope})"))
                {
                    TryEngine(() => Engine.RemoveBudget(budget.Name));
                }
            }
        }

        WriteEngineNotices();
    }
}
