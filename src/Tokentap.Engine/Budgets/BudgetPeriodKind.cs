// The kinds of budget period.
namespace Tokentap.Engine.Budgets;

/// <summary>What a budget's period follows.</summary>
internal enum BudgetPeriodKind
{
    /// <summary>A calendar day in the budget's time zone.</summary>
    Day,

    /// <summary>A calendar week, Monday to Sunday, in the budget's time zone.</summary>
    Week,

    /// <summary>A calendar month in the budget's time zone.</summary>
    Month,

    /// <summary>Since the Tokentap proxy of this process started.</summary>
    Session,

    /// <summary>The last N minutes, hours or days, up to now.</summary>
    Rolling,
}
