// What the live view's screen shows besides the snapshot: the clock, pause, the filter and a store failure.
namespace Tokentap.Engine.Live;

/// <summary>The view's own state, drawn around a <see cref="TokenUsageSnapshot"/>.</summary>
public sealed record LiveScreenState
{
    /// <summary>The time shown in the header, in UTC.</summary>
    public required DateTime NowUtc { get; init; }

    /// <summary>The zone clock times are shown in.</summary>
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Local;

    /// <summary>True while p has paused refreshing.</summary>
    public bool Paused { get; init; }

    /// <summary>The filter in words (app=claude-*, since 09:00), or null when everything is shown.</summary>
    public string? FilterText { get; init; }

    /// <summary>Why the last refresh failed (the store was busy, damaged, ...), or null.</summary>
    public string? Failure { get; init; }
}
