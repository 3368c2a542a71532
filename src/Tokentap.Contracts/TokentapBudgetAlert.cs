// A budget crossing a warning threshold, or refusing a request: the Tokentap.Budget engine event's MessageData.
namespace Tokentap;

/// <summary>One budget notice, raised once per threshold and period (and once per period for the first block).</summary>
public sealed class TokentapBudgetAlert
{
    /// <summary>The budget's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The threshold crossed, in percent of the amount (100 when the amount is spent).</summary>
    public int Threshold { get; init; }

    /// <summary>Spent in the current period when the alert was raised, in US dollars.</summary>
    public decimal Spent { get; init; }

    /// <summary>The budget's amount in US dollars.</summary>
    public decimal Amount { get; init; }

    /// <summary>Spent / Amount in percent.</summary>
    public double Percent { get; init; }

    /// <summary>The budget's period (Day, Week, Month, Session, 5h, ...).</summary>
    public string Period { get; init; } = "";

    /// <summary>Warn or Block.</summary>
    public BudgetAction Action { get; init; }

    /// <summary>True when a request was refused because of this budget.</summary>
    public bool Blocked { get; init; }

    /// <summary>When the spend starts again from zero; null for rolling windows and sessions.</summary>
    public DateTimeOffset? NextReset { get; init; }

    /// <summary>When the alert was raised, UTC.</summary>
    public DateTime TimeUtc { get; init; }

    /// <summary>The notice in one sentence, as the shell shows it.</summary>
    public string Message { get; init; } = "";

    /// <summary>The message.</summary>
    public override string ToString() => Message;
}
