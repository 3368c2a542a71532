// A budget with where it stands now: what Get-TokentapBudget returns.
namespace Tokentap;

/// <summary>
/// One budget from budgets.json with its spend in the current period: the known cost of the usage events in its scope
/// since <see cref="PeriodStart"/> (the store plus what this process has not written yet).
/// </summary>
public sealed class TokentapBudget
{
    /// <summary>The budget's name (unique, case-insensitive).</summary>
    public string Name { get; init; } = "";

    /// <summary>The limit in US dollars per period.</summary>
    public decimal Amount { get; init; }

    /// <summary>Day, Week, Month, Session, or a rolling window such as 5h, 90m or 7d.</summary>
    public string Period { get; init; } = "";

    /// <summary>Known cost spent in the scope in the current period, in US dollars.</summary>
    public decimal Spent { get; init; }

    /// <summary>Amount - Spent, never below 0.</summary>
    public decimal Remaining { get; init; }

    /// <summary>Spent / Amount in percent (100 = all spent; can exceed 100).</summary>
    public double Percent { get; init; }

    /// <summary>Ok, Warning (past a threshold) or Exceeded.</summary>
    public BudgetState State { get; init; }

    /// <summary>Warn, or Block (billed requests in scope are refused once the amount is spent).</summary>
    public BudgetAction Action { get; init; }

    /// <summary>When the current period began (local time of <see cref="TimeZone"/> as an offset time).</summary>
    public DateTimeOffset? PeriodStart { get; init; }

    /// <summary>When the spend starts again from zero; null for a rolling window (spend ages out) and a session.</summary>
    public DateTimeOffset? NextReset { get; init; }

    /// <summary>Warning thresholds in percent of the amount, ascending.</summary>
    public IReadOnlyList<int> Thresholds { get; init; } = Array.Empty<int>();

    /// <summary>The time zone id whose days, weeks and months the period follows.</summary>
    public string TimeZone { get; init; } = "";

    /// <summary>Provider patterns the scope is limited to; empty: any.</summary>
    public IReadOnlyList<string> Provider { get; init; } = Array.Empty<string>();

    /// <summary>Model patterns the scope is limited to; empty: any.</summary>
    public IReadOnlyList<string> Model { get; init; } = Array.Empty<string>();

    /// <summary>App patterns the scope is limited to; empty: any.</summary>
    public IReadOnlyList<string> App { get; init; } = Array.Empty<string>();

    /// <summary>Project patterns the scope is limited to; empty: any.</summary>
    public IReadOnlyList<string> Project { get; init; } = Array.Empty<string>();

    /// <summary>Tokentap session patterns the scope is limited to; empty: any.</summary>
    public IReadOnlyList<string> Session { get; init; } = Array.Empty<string>();

    /// <summary>The scope in one line: "model=claude-* app=claude-code", or "all usage".</summary>
    public string Scope { get; init; } = "";
}
