// A Block budget that is spent, as the gate needs it to word its refusal.
namespace Tokentap.Engine.Budgets;

/// <summary>Which budget refused a request and where it stood.</summary>
internal sealed record BudgetHit(string Name, decimal Amount, decimal Spent, BudgetPeriod Period, DateTime? ResetUtc, TimeZoneInfo Zone)
{
    /// <summary>"resets 2026-12-06 00:00 +01:00", or how a rolling window or session frees up.</summary>
    public string ResetText => Period.Kind switch
    {
        BudgetPeriodKind.Rolling => $"spend older than {Period.Text} ages out of the rolling window",
        BudgetPeriodKind.Session => "it resets when Tokentap is started again",
        _ => ResetUtc is { } reset ? "resets " + BudgetMonitor.LocalText(reset, Zone) : "",
    };

    /// <summary>The message a client shows.</summary>
    public string Message =>
        $"Tokentap budget '{Name}' is spent: {BudgetDefinition.Money(Spent)} of {BudgetDefinition.Money(Amount)} " +
        $"({Period.Text}; {ResetText}). The request was not sent. To raise it: Set-TokentapBudget -Name {Quote(Name)} -Amount {SuggestedAmount()}";

    private static string Quote(string name) => name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.') ? name : "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";

    // Twice the amount, rounded to whole dollars upward (at least a dollar more).
    private string SuggestedAmount() =>
        Math.Max(Math.Ceiling(Amount * 2), Math.Ceiling(Amount) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
