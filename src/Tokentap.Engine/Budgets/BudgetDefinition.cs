// One budget as budgets.json defines it, validated and ready to match events and requests.
using System.Globalization;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Budgets;

/// <summary>A validated budget: amount per period over a scope, with its action and warning thresholds.</summary>
internal sealed record BudgetDefinition
{
    /// <summary>Thresholds a budget gets when none are given.</summary>
    public static readonly IReadOnlyList<int> DefaultThresholds = [80, 100];

    public required string Name { get; init; }

    public required decimal Amount { get; init; }

    public required BudgetPeriod Period { get; init; }

    public BudgetAction Action { get; init; } = BudgetAction.Warn;

    /// <summary>Ascending, distinct, each 1 to 1000.</summary>
    public IReadOnlyList<int> Thresholds { get; init; } = DefaultThresholds;

    /// <summary>The id as written in the file, or null for the machine's local zone.</summary>
    public string? TimeZoneId { get; init; }

    public TimeZoneInfo TimeZone => TimeZoneId is null ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    /// <summary>The scope's label patterns (no time bounds, no status).</summary>
    public UsageFilter Scope { get; init; } = UsageFilter.All;

    /// <summary>The scope in one line.</summary>
    public string ScopeText
    {
        get
        {
            var parts = new List<string>();
            Add(parts, "provider", Scope.Provider);
            Add(parts, "model", Scope.Model);
            Add(parts, "app", Scope.App);
            Add(parts, "project", Scope.Project);
            Add(parts, "session", Scope.Session);
            return parts.Count == 0 ? "all usage" : string.Join(' ', parts);
        }
    }

    /// <summary>The amount as users read it: $10.00.</summary>
    public static string Money(decimal value) => "$" + value.ToString(value < 1 && value != 0 ? "0.00##" : "0.00", CultureInfo.InvariantCulture);

    private static void Add(List<string> parts, string name, IReadOnlyList<string>? patterns)
    {
        if (patterns is { Count: > 0 })
        {
            parts.Add(name + "=" + string.Join(',', patterns));
        }
    }
}
