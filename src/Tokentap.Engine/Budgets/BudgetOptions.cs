// Timing of the budget monitor: the clock, how often other shells' spend is read, and the webhook timeout.
namespace Tokentap.Engine.Budgets;

/// <summary>Settings of a <see cref="BudgetMonitor"/>; the defaults suit the proxy.</summary>
public sealed record BudgetOptions
{
    /// <summary>The clock periods and alerts are computed with.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// How often the spend is read again from the store (to see other shells' spend and roll windows forward). It is
    /// one term of the overshoot bound (docs/budgets.md).
    /// </summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a refresh waits for this process's recorder to write what it holds.</summary>
    public TimeSpan FlushWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one webhook POST may take.</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
