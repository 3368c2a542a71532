// Get-TokentapBudget: the budgets of budgets.json with their spend, remaining amount, state and next reset.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokentapBudget")]
[OutputType(typeof(TokentapBudget))]
public sealed class GetTokentapBudgetCommand : BudgetCmdlet
{
    /// <summary>Budget names (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BudgetNameCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<TokentapBudget> budgets = [];
        if (TryEngine(() => budgets = Engine.GetBudgets(Name)))
        {
            foreach (var budget in budgets)
            {
                WriteObject(budget);
            }

            WriteMissing(Name ?? [], budgets);
        }

        WriteEngineNotices();
    }
}
