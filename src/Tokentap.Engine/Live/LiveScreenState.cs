// What the live view's screen shows besides the snapshot: the clock, pause, filters, a store failure, and which screen.
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

    /// <summary>The screen shown: the overview, a breakdown or a session's requests.</summary>
    public LiveViewKind View { get; init; }

    /// <summary>For the sessions of one provider, app or project: which one; else null.</summary>
    public (LiveViewKind Kind, string Key)? Within { get; init; }

    /// <summary>The rows of a breakdown, arranged (sorted and filtered) as shown.</summary>
    public IReadOnlyList<LiveGroupRow> Rows { get; init; } = [];

    /// <summary>The session of the detail screen, its requests arranged as shown.</summary>
    public LiveSessionDetail? Detail { get; init; }

    /// <summary>The selected row (0 is the first).</summary>
    public int Selected { get; init; }

    /// <summary>The column rows are sorted by (cost, requests, ...; time, cost, context for a session).</summary>
    public string? Sort { get; init; }

    /// <summary>The text filter typed after /, or null.</summary>
    public string? TextFilter { get; init; }

    /// <summary>The filter being typed, or null when not typing.</summary>
    public string? Typing { get; init; }

    /// <summary>True while ? shows the keys.</summary>
    public bool Help { get; init; }

    /// <summary>The colours the screen is drawn in.</summary>
    public LiveTheme Theme { get; init; } = LiveTheme.Default;
}
