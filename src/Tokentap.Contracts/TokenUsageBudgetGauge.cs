// A budget's gauge in the live view: spent against the amount in the current period.
namespace Tokentap;

/// <summary>One budget row of a <see cref="TokenUsageSnapshot"/>.</summary>
public sealed class TokenUsageBudgetGauge
{
    /// <summary>The budget's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Spent in the current period, in US dollars.</summary>
    public decimal Spent { get; init; }

    /// <summary>The amount in US dollars.</summary>
    public decimal Amount { get; init; }

    /// <summary>Spent / Amount in percent.</summary>
    public double Percent { get; init; }

    /// <summary>Ok, Warning or Exceeded.</summary>
    public BudgetState State { get; init; }

    /// <summary>Warn or Block.</summary>
    public BudgetAction Action { get; init; }

    /// <summary>The period (Day, Week, Month, Session, 5h, ...).</summary>
    public string Period { get; init; } = "";

    /// <summary>When the spend starts again from zero; null for rolling windows and sessions.</summary>
    public DateTimeOffset? NextReset { get; init; }
}
