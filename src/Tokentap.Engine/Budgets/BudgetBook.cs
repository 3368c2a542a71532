// The contents of budgets.json: the budgets and the optional webhook.
namespace Tokentap.Engine.Budgets;

/// <summary>Everything budgets.json holds, validated.</summary>
internal sealed record BudgetBook
{
    public static readonly BudgetBook Empty = new();

    /// <summary>The budgets in file order (names unique, case-insensitive).</summary>
    public IReadOnlyList<BudgetDefinition> Budgets { get; init; } = [];

    /// <summary>Where alerts are also POSTed (Slack/Discord-compatible JSON), or null.</summary>
    public Uri? Webhook { get; init; }
}
