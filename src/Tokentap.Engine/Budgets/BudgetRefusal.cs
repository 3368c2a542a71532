// The answer to a request a spent Block budget refuses, in the error format of the provider the client talks to.
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Budgets;

/// <summary>
/// The budget's message in the provider's error format (status codes and why: <see cref="ProviderErrorAnswer"/>), with
/// OpenAI's code budget_exceeded and an x-tokentap-budget header naming the budget.
/// </summary>
internal static class BudgetRefusal
{
    public static GateRefusal Create(WireFormat format, BudgetHit hit, bool webSocketUpgrade) =>
        ProviderErrorAnswer.Create(
            format,
            hit.Message,
            "budget_exceeded",
            webSocketUpgrade,
            new("x-tokentap-budget", hit.Name),
            $"budget '{hit.Name}' is spent ({BudgetDefinition.Money(hit.Spent)} of {BudgetDefinition.Money(hit.Amount)}, {hit.Period.Text})");
}
