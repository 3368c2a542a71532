// Set-TokentapBudget: creates a budget or changes the settings given, in budgets.json.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Set, "TokentapBudget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(TokentapBudget))]
public sealed class SetTokentapBudgetCommand : BudgetScopeCmdlet
{
    /// <summary>The budget's name: an existing one is changed, a new one created.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BudgetNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The limit in US dollars per period (needed to create a budget).</summary>
    [Parameter(Position = 1)]
    [ValidateRange(0.000001, 1_000_000_000)]
    public decimal? Amount { get; set; }

    /// <summary>Day, Week, Month, Session, or a rolling window such as 90m, 5h or 7d.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(BudgetPeriodCompleter))]
    public string? Period { get; set; }

    /// <summary>Warn (default), or Block: refuse billed requests in scope once the amount is spent.</summary>
    [Parameter]
    public BudgetAction? Action { get; set; }

    /// <summary>Warning thresholds in percent of the amount (default 80, 100).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int[]? Threshold { get; set; }

    /// <summary>The time zone whose days, weeks and months the period follows (default: the local one).</summary>
    [Parameter]
    public string? TimeZone { get; set; }

    /// <summary>Write the budget as it now stands.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var settings = new TokentapBudgetSettings
        {
            Name = Name,
            Amount = Amount,
            Period = Period,
            Action = Action,
            Thresholds = Threshold,
            TimeZone = TimeZone,
            Provider = Provider,
            Model = Model,
            App = App,
            Project = Project,
            Session = Session,
        };
        var path = Engine.BudgetFilePath;
        if (ShouldProcess(path, $"Set budget '{Name}'"))
        {
            TokentapBudget? budget = null;
            if (TryEngine(() => budget = Engine.SetBudget(settings)) && PassThru)
            {
                WriteObject(budget);
            }
        }

        WriteEngineNotices();
    }
}
