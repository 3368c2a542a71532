// What Set-TokentapBudget asks to create or change; unset members keep the budget's current values.
namespace Tokentap;

/// <summary>
/// A budget's new settings. Creating a budget needs <see cref="Amount"/>; the rest has defaults (Period Day, Action Warn,
/// thresholds 80 and 100, the local time zone, all usage). Updating changes only the members that are set; an empty
/// pattern list clears that part of the scope.
/// </summary>
public sealed record TokentapBudgetSettings
{
    /// <summary>The budget's name.</summary>
    public required string Name { get; init; }

    /// <summary>The limit in US dollars per period.</summary>
    public decimal? Amount { get; init; }

    /// <summary>Day, Week, Month, Session, or a rolling window such as 5h, 90m or 7d.</summary>
    public string? Period { get; init; }

    /// <summary>Warn or Block.</summary>
    public BudgetAction? Action { get; init; }

    /// <summary>Warning thresholds in percent (1 to 1000).</summary>
    public IReadOnlyList<int>? Thresholds { get; init; }

    /// <summary>A time zone id (IANA or Windows) for the period boundaries.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Provider patterns.</summary>
    public IReadOnlyList<string>? Provider { get; init; }

    /// <summary>Model patterns.</summary>
    public IReadOnlyList<string>? Model { get; init; }

    /// <summary>App patterns.</summary>
    public IReadOnlyList<string>? App { get; init; }

    /// <summary>Project patterns.</summary>
    public IReadOnlyList<string>? Project { get; init; }

    /// <summary>Tokentap session patterns.</summary>
    public IReadOnlyList<string>? Session { get; init; }
}
