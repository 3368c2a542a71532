// Tab completion for Set-TokentapBudget -Period: the calendar periods, the session and common rolling windows.
namespace Tokentap.PowerShell;

/// <summary>Completes Day, Week, Month, Session, 5h and 7d (any other window such as 90m can be typed).</summary>
public sealed class BudgetPeriodCompleter : KnownValueCompleter
{
    private protected override IEnumerable<string> Values() => ["Day", "Week", "Month", "Session", "5h", "7d"];
}
