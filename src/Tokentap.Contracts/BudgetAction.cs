// What a budget does when its scope spends past it: tell the user, or also refuse billed requests.
namespace Tokentap;

/// <summary>The action of a budget.</summary>
public enum BudgetAction
{
    /// <summary>Warn at each threshold; requests still go through.</summary>
    Warn,

    /// <summary>Warn at each threshold, and refuse billed requests in scope once the amount is spent.</summary>
    Block,
}
