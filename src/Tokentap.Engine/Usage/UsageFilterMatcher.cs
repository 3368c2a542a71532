// A UsageFilter made ready to test stored events and rollup rows quickly.
namespace Tokentap.Engine.Usage;

/// <summary>The compiled form of a <see cref="UsageFilter"/>: UTC tick bounds, compiled patterns, status.</summary>
internal sealed class UsageFilterMatcher
{
    private readonly WildcardPattern[]? _provider;
    private readonly WildcardPattern[]? _model;
    private readonly WildcardPattern[]? _app;
    private readonly WildcardPattern[]? _session;
    private readonly WildcardPattern[]? _project;
    private readonly bool? _success;
    private readonly HashSet<UsageSource>? _sources;
    private readonly bool _blockedOnly;

    public UsageFilterMatcher(UsageFilter filter)
    {
        SinceTicks = filter.Since is { } since ? ToUtcTicks(since) : 0;
        UntilTicks = filter.Until is { } until ? ToUtcTicks(until) : DateTime.MaxValue.Ticks;
        _provider = Compile(filter.Provider);
        _model = Compile(filter.Model);
        _app = Compile(filter.App);
        _session = Compile(filter.Session);
        _project = Compile(filter.Project);
        _sources = filter.Source is { Count: > 0 } sources ? [.. sources] : null;
        _success = filter.Status switch
        {
            UsageStatus.Success => true,
            UsageStatus.Error or UsageStatus.Blocked => false,
            _ => null,
        };
        _blockedOnly = filter.Status == UsageStatus.Blocked;
    }

    /// <summary>
    /// True when rollup rows cannot answer exactly (they keep success and failure apart, not blocked requests), so a
    /// summary must read the events themselves; rows still narrow the hours to read.
    /// </summary>
    public bool NeedsEvents => _blockedOnly;

    /// <summary>Inclusive lower bound, UTC ticks.</summary>
    public long SinceTicks { get; }

    /// <summary>Exclusive upper bound, UTC ticks.</summary>
    public long UntilTicks { get; }

    /// <summary>True when some label or status condition is set (so rollups can narrow the hours to read).</summary>
    public bool HasLabelConditions =>
        _provider is not null || _model is not null || _app is not null || _session is not null || _project is not null
        || _success is not null;

    /// <summary>True when a condition is set that rollup rows cannot answer (the source): summaries read the events.</summary>
    public bool HasEventConditions => _sources is not null;

    /// <summary>True when the time bounds leave nothing to select.</summary>
    public bool IsEmptyRange => SinceTicks >= UntilTicks;

    /// <summary>A time given by a user: UTC stays, Local and Unspecified are local time (as PowerShell reads them).</summary>
    public static long ToUtcTicks(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? value.Ticks
        : value == DateTime.MinValue ? 0
        : value == DateTime.MaxValue ? DateTime.MaxValue.Ticks
        : value.ToUniversalTime().Ticks;

    public bool MatchesLabels(string? provider, string? model, string? app, string? session, string? project, bool success) =>
        (_success is null || _success == success)
        && Matches(_provider, provider)
        && Matches(_model, model)
        && Matches(_app, app)
        && Matches(_session, session)
        && Matches(_project, project);

    public bool Matches(UsageRollupDocument row) =>
        MatchesLabels(row.ProviderName, row.ModelName, row.AppName, row.SessionName, row.ProjectName, row.IsSuccess);

    /// <summary>Tests a stored event (its UTC ticks given, as the chunk reader has them).</summary>
    public bool Matches(long utcTicks, UsageEvent e) =>
        utcTicks >= SinceTicks && utcTicks < UntilTicks
        && (_sources is null || _sources.Contains(e.Source))
        && (!_blockedOnly || e.Blocked)
        && MatchesLabels(e.Provider ?? "", e.Model, e.App, e.Session, e.Project, e.IsSuccess);

    private static bool Matches(WildcardPattern[]? patterns, string? value)
    {
        if (patterns is null)
        {
            return true;
        }

        foreach (var pattern in patterns)
        {
            if (pattern.IsMatch(value))
            {
                return true;
            }
        }

        return false;
    }

    private static WildcardPattern[]? Compile(IReadOnlyList<string>? patterns) =>
        patterns is null || patterns.Count == 0 ? null : patterns.Select(p => new WildcardPattern(p)).ToArray();
}
