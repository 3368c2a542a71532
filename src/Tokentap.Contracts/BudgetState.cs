// Where a budget stands in its current period.
namespace Tokentap;

/// <summary>The state of a budget.</summary>
public enum BudgetState
{
    /// <summary>Below its lowest warning threshold.</summary>
    Ok,

    /// <summary>At or past a warning threshold, below the amount.</summary>
    Warning,

    /// <summary>The amount is spent (a Block budget now refuses billed requests in its scope).</summary>
    Exceeded,
}
