// What a live snapshot covers: which events, which window, how many recent requests.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Live;

/// <summary>Options of a <see cref="SnapshotBuilder"/>.</summary>
public sealed record SnapshotOptions
{
    /// <summary>The most recent requests a snapshot can list.</summary>
    public const int MaxRecentRequests = 1000;

    /// <summary>The events to show: labels, status, and Since (a lower bound within every window).</summary>
    public UsageFilter Filter { get; init; } = UsageFilter.All;

    /// <summary>The window the totals cover first; the builder's Window property changes it later.</summary>
    public TokenUsageWindow Window { get; init; } = TokenUsageWindow.Today;

    /// <summary>How many of the newest requests a snapshot lists (0 to <see cref="MaxRecentRequests"/>).</summary>
    public int RecentRequests { get; init; } = 20;

    /// <summary>Where the budget gauges come from (read once per snapshot); null shows none.</summary>
    public Func<IReadOnlyList<TokenUsageBudgetGauge>>? Budgets { get; init; }

    /// <summary>True when the store is demo mode's synthetic one: every snapshot says so.</summary>
    public bool Demo { get; init; }

    /// <summary>
    /// Where the latest requests' prompt previews come from while content capture is on; null when it is off (the
    /// snapshots then say capture is off and nothing reads the content store).
    /// </summary>
    internal PromptPreviews? Previews { get; init; }
}
