// Computes Watch-TokenUsage's snapshots: loads a window once, then keeps running totals from the store's tail.
using Tokentap.Engine.Anomalies;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Registry;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Live;

/// <summary>
/// The live view's numbers for one filter and window. The first <see cref="Refresh"/> loads the window (hourly
/// rollups for the whole hours before the current one, events for the rest); every later one reads only the events
/// stored since the previous read (<see cref="UsageStore.ReadAfter"/>), adds them to running totals per step and
/// model, and drops the steps the window slid past. Snapshots computed this way equal a fresh load at the same moment.
/// Not thread-safe: one caller refreshes and reads snapshots.
/// </summary>
public sealed class SnapshotBuilder
{
    /// <summary>The period the burn rate covers.</summary>
    public static readonly TimeSpan BurnPeriod = TimeSpan.FromMinutes(15);

    /// <summary>A client session is active (shown with a context gauge) while its last request is this recent.</summary>
    public static readonly TimeSpan ActivePeriod = TimeSpan.FromMinutes(30);

    /// <summary>Subscription limit readings older than this are not shown (even the 7-day window has reset since).</summary>
    public static readonly TimeSpan LimitLookback = TimeSpan.FromDays(7);

    private const int TailPageSize = 1000;
    private const int MaxTailPagesPerRefresh = 50;
    private const int LoadAttempts = 4;
    private const int LimitScanEvents = 1000;
    private static readonly IReadOnlyDictionary<Guid, string> EmptyPreviews = new Dictionary<Guid, string>();
    private static readonly UsageGroupBy[] StepGroups = [UsageGroupBy.Hour, UsageGroupBy.Provider, UsageGroupBy.Model];

    private readonly UsageStore _store;
    private readonly PriceTable _prices;
    private readonly TokentapPaths _paths;
    private readonly TimeProvider _time;
    private readonly UsageFilter _filter;
    private readonly long _sinceTicks;
    private readonly int _recentCount;
    private readonly AnomalySettings _anomalySettings;
    private readonly string? _anomalySettingsError;
    private TokenUsageWindow _window;
    private TokenUsageWindow _loadedWindow;
    private long? _firstTicks;
    private bool _firstMoved;
    private bool _loaded;
    private long _position;
    private WindowTotals? _totals;
    private NewestEvents _newest;
    private RecentActivity _recent = new();
    private SubscriptionLimits _limits = new();
    private ProviderRateLimits _rateLimits = new();
    private UsageEvent? _lastFailure;
    private RunningProxy? _proxy;
    private DateTime _now;
    private int _burnCount;
    private int _expiredLimits;
    private TokenUsageSnapshot? _snapshot;
    private readonly Func<IReadOnlyList<TokenUsageBudgetGauge>>? _budgets;
    private readonly bool _demo;
    private readonly PromptPreviews? _previews;

    public SnapshotBuilder(UsageStore store, PriceTable prices, TokentapPaths paths, SnapshotOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.RecentRequests);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.RecentRequests, SnapshotOptions.MaxRecentRequests);
        _store = store;
        _prices = prices;
        _paths = paths;
        _time = time ?? TimeProvider.System;
        _filter = options.Filter;
        _sinceTicks = _filter.Since is { } since ? UsageFilterMatcher.ToUtcTicks(since) : 0;
        _recentCount = options.RecentRequests;
        _window = options.Window;
        _budgets = options.Budgets;
        _demo = options.Demo;
        _previews = options.Previews;
        _newest = new NewestEvents(_recentCount);
        try
        {
            _anomalySettings = AnomalySettingsFile.Load(paths);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            _anomalySettings = AnomalySettings.Default;
            _anomalySettingsError = ex.Message + " Default anomaly thresholds apply.";
        }
    }

    /// <summary>The window the totals cover; changing it reloads on the next <see cref="Refresh"/>.</summary>
    public TokenUsageWindow Window
    {
        get => _window;
        set
        {
            if (value != _window)
            {
                _window = value;
                _loaded = false;
            }
        }
    }

    /// <summary>The steps of the loaded window; null before the first <see cref="Refresh"/>.</summary>
    internal WindowSpan? LoadedSpan => _totals?.Span;

    /// <summary>The prices the snapshot's costs and context windows come from.</summary>
    internal PriceTable Prices => _prices;

    /// <summary>The loaded window's events, oldest first, read from the store now (for the live view's breakdowns).</summary>
    internal IEnumerable<UsageEvent> WindowEvents() =>
        _totals is null ? [] : _store.Query(Between(_totals.StartTicks, null), UsageOrder.OldestFirst);

    /// <summary>
    /// The prompt previews of these requests (a session's, for the live view's detail screen), read from the content
    /// store the first time each is asked for; empty when capture is off.
    /// </summary>
    internal IReadOnlyDictionary<Guid, string> PreviewsOf(IReadOnlyList<UsageEvent> requests)
    {
        if (_previews is null)
        {
            return EmptyPreviews;
        }

        _previews.Update(requests, _time.GetUtcNow().UtcDateTime);
        return _previews.For(requests);
    }

    /// <summary>True once a <see cref="Refresh"/> has loaded a window.</summary>
    public bool HasSnapshot => _totals is not null;

    /// <summary>The state at the last successful <see cref="Refresh"/>.</summary>
    public TokenUsageSnapshot Snapshot => _snapshot ??= Build();

    /// <summary>
    /// Brings the state up to now: loads the window when needed, else slides it and reads the new events. Returns true
    /// when what a snapshot shows changed (new events, events leaving the window or the burn period, an expired limit,
    /// the proxy starting or stopping), not merely the time.
    /// </summary>
    public bool Refresh(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var span = Span(now);
        bool changed;
        if (!_loaded || _totals is null || !SlidesTo(_totals.Span, span))
        {
            Load(now, span, cancellationToken);
            changed = true;
        }
        else
        {
            changed = Slide(now, span);
            changed |= ReadNew(now, cancellationToken);
            if (_firstMoved)
            {
                // An event older than the first one arrived (an import): All starts earlier now.
                _loaded = false;
                Load(now, Span(now), cancellationToken);
            }
        }

        changed |= UpdateProxy();
        changed |= _previews?.Update(_newest.Items, now) ?? false;
        var burnCount = _recent.CountSince(BurnStart(now));
        var expired = _limits.ExpiredCount(now) + _rateLimits.ExpiredCount(now);
        changed |= burnCount != _burnCount || expired != _expiredLimits;
        _burnCount = burnCount;
        _expiredLimits = expired;
        _now = now;
        _snapshot = null;
        return changed;
    }

    /// <summary>
    /// The window's steps at <paramref name="now"/>. All starts at the first matching event, looked up when the window
    /// is (re)loaded and, while the store holds none, at every refresh.
    /// </summary>
    private WindowSpan Span(DateTime now)
    {
        if (_window == TokenUsageWindow.All && (!_loaded || _firstTicks is null))
        {
            _firstTicks = _store.Query(_filter, UsageOrder.OldestFirst).FirstOrDefault()?.Timestamp.Ticks;
        }

        return WindowSpan.For(_window, now, _time.LocalTimeZone, _firstTicks);
    }

    /// <summary>Whether a window can move from one span to another by dropping whole steps.</summary>
    private static bool SlidesTo(WindowSpan from, WindowSpan to) =>
        from.StepTicks == to.StepTicks && to.StartTicks >= from.StartTicks && (to.StartTicks - from.StartTicks) % from.StepTicks == 0;

    private long WindowStart(WindowSpan span) => Math.Max(span.StartTicks, _sinceTicks);

    private long RecentStart(DateTime now) => Math.Max(now.Ticks - ActivePeriod.Ticks, _sinceTicks);

    private long BurnStart(DateTime now) => Math.Max(now.Ticks - BurnPeriod.Ticks, _sinceTicks);

    private long LimitStart(DateTime now) => Math.Max(now.Ticks - LimitLookback.Ticks, _sinceTicks);

    private void Load(DateTime now, WindowSpan span, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // The last attempt reads events only: slower for long windows, but consistent whatever is being written.
            if (TryLoad(now, span, useRollups: span.IsHourAligned && attempt < LoadAttempts, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Loads the window as of one store position. Whole hours before the current hour come from rollups; the current
    /// hour (and the recent half hour) from events read with that position. When events stamped within the rolled-up
    /// hours were stored while the rollups were read, the rollups may or may not hold them, so the attempt is refused.
    /// </summary>
    private bool TryLoad(DateTime now, WindowSpan span, bool useRollups, CancellationToken cancellationToken)
    {
        var windowStart = WindowStart(span);
        var recentStart = RecentStart(now);
        var split = useRollups ? Math.Max(windowStart, now.Ticks - now.Ticks % TimeSpan.TicksPerHour) : windowStart;
        var readStart = Math.Min(split, recentStart);
        var totals = new WindowTotals(span, windowStart);

        var before = _store.GetLastPosition();
        var hours = new RolledUpHours();
        if (split > windowStart)
        {
            foreach (var row in _store.Summarize(Between(windowStart, split), StepGroups, TimeZoneInfo.Utc))
            {
                totals.Add(row);
                hours.Add(row);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var read = _store.ReadSince(new DateTime(readStart, DateTimeKind.Utc), _filter, int.MaxValue - 1);
        if (split > windowStart && read.Position != before && StoredWithin(before, windowStart, split, cancellationToken))
        {
            return false;
        }

        var newest = new NewestEvents(_recentCount);
        var recent = new RecentActivity();
        var limits = new SubscriptionLimits();
        var rateLimits = new ProviderRateLimits();
        UsageEvent? lastFailure = null;
        var limitStart = LimitStart(now);
        foreach (var usageEvent in read.Events)
        {
            var ticks = usageEvent.Timestamp.Ticks;
            if (ticks >= split && totals.Add(usageEvent) && !usageEvent.IsSuccess)
            {
                lastFailure = usageEvent;
            }

            if (ticks >= recentStart)
            {
                recent.Add(usageEvent);
            }

            if (ticks >= limitStart)
            {
                limits.Observe(usageEvent);
                rateLimits.Observe(usageEvent);
            }
        }

        // Newest first: the events read (all newer than the rolled-up hours), then as many older ones as are missing.
        // The rollups say which hours hold them, so only those hours are searched.
        var inWindow = read.Events.Where(e => e.Timestamp.Ticks >= windowStart).Reverse().ToList();
        newest.AddNewestFirst(inWindow);
        var missing = _recentCount - inWindow.Count;
        if (missing > 0 && hours.StartOfNewest(missing) is { } from)
        {
            newest.AddNewestFirst(_store.Query(Between(from, split), UsageOrder.NewestFirst, missing));
        }

        if (lastFailure is null && hours.NewestWithErrors is { } errorHour)
        {
            var failed = Between(errorHour, errorHour + TimeSpan.TicksPerHour) with { Status = UsageStatus.Error };
            lastFailure = _store.Query(failed, UsageOrder.NewestFirst, 1).FirstOrDefault();
        }

        if (!limits.Complete && readStart > limitStart)
        {
            var older = Between(limitStart, readStart) with { Provider = _filter.Provider ?? ["anthropic"] };
            foreach (var usageEvent in _store.Query(older, UsageOrder.NewestFirst).Take(LimitScanEvents))
            {
                limits.Observe(usageEvent);
                if (limits.Complete)
                {
                    break;
                }
            }
        }

        _position = read.Position;
        _totals = totals;
        _newest = newest;
        _recent = recent;
        _limits = limits;
        _rateLimits = rateLimits;
        _lastFailure = lastFailure;
        _loadedWindow = _window;
        _loaded = true;
        _firstMoved = false;
        return true;
    }

    /// <summary>Whether an event stamped in [start, end) and matching the filter was stored after a position.</summary>
    private bool StoredWithin(long position, long start, long end, CancellationToken cancellationToken)
    {
        var filter = Between(start, end);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = _store.ReadAfter(position, filter, TailPageSize);
            if (page.Events.Count > 0)
            {
                return true;
            }

            if (!page.HasMore)
            {
                return false;
            }

            position = page.Position;
        }
    }

    /// <summary>The filter narrowed to [start, end) (end null: no new upper bound).</summary>
    private UsageFilter Between(long start, long? end)
    {
        var since = Math.Max(start, _sinceTicks);
        DateTime? until = _filter.Until;
        if (end is { } endTicks && (until is null || UsageFilterMatcher.ToUtcTicks(until.Value) > endTicks))
        {
            until = new DateTime(endTicks, DateTimeKind.Utc);
        }

        return _filter with { Since = new DateTime(since, DateTimeKind.Utc), Until = until };
    }

    private bool Slide(DateTime now, WindowSpan span)
    {
        var windowStart = WindowStart(span);
        var changed = _totals!.Slide(span, windowStart);
        changed |= _newest.DropBefore(windowStart);
        if (_lastFailure is not null && _lastFailure.Timestamp.Ticks < windowStart)
        {
            _lastFailure = null;
            changed = true;
        }

        changed |= _recent.DropBefore(RecentStart(now));
        return changed;
    }

    private bool ReadNew(DateTime now, CancellationToken cancellationToken)
    {
        var changed = false;
        for (var page = 0; page < MaxTailPagesPerRefresh; page++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tail = _store.ReadAfter(_position, _filter, TailPageSize);
            _position = tail.Position;
            foreach (var usageEvent in tail.Events)
            {
                changed |= Apply(usageEvent, now);
            }

            if (!tail.HasMore)
            {
                break;
            }
        }

        return changed;
    }

    private bool Apply(UsageEvent usageEvent, DateTime now)
    {
        var changed = false;
        var ticks = usageEvent.Timestamp.Ticks;
        _firstMoved |= _window == TokenUsageWindow.All && ticks < _totals!.Span.StartTicks && ticks >= _sinceTicks;
        if (_totals!.Add(usageEvent))
        {
            changed = true;
            _newest.Offer(usageEvent);
            if (!usageEvent.IsSuccess && (_lastFailure is null || ticks >= _lastFailure.Timestamp.Ticks))
            {
                _lastFailure = usageEvent;
            }
        }

        if (ticks >= RecentStart(now))
        {
            _recent.Add(usageEvent);
            changed = true;
        }

        if (ticks >= LimitStart(now))
        {
            changed |= _limits.Observe(usageEvent);
            changed |= _rateLimits.Observe(usageEvent);
        }

        return changed;
    }

    private bool UpdateProxy()
    {
        var running = ProxyRegistry.ListRunning(_paths);
        var first = running.Count > 0 ? running[0] : null;
        if (first == _proxy)
        {
            return false;
        }

        _proxy = first;
        return true;
    }

    private TokenUsageSnapshot Build()
    {
        if (_totals is null)
        {
            throw new InvalidOperationException("Call Refresh before reading a snapshot.");
        }

        var sum = _totals.Sum();
        var byModel = _totals.ByModel();
        var models = byModel
            .Select(m => ModelRow(m.Key, m.Value, sum.Cost, CacheSavingsOf(m.Key, m.Value)))
            .OrderByDescending(r => r.Cost ?? 0).ThenByDescending(r => r.TotalTokens)
            .ThenBy(r => r.Provider, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal)
            .ToList();
        var span = _totals.Span;
        var series = new List<TokenUsageSeriesPoint>(span.Steps);
        for (var i = 0; i < span.Steps; i++)
        {
            var start = span.StartTicks + i * span.StepTicks;
            var step = _totals.Step(start);
            series.Add(new TokenUsageSeriesPoint
            {
                Start = new DateTime(start, DateTimeKind.Utc),
                Requests = step.Requests,
                Tokens = TotalTokens(step),
                Cost = step.Cost,
            });
        }

        var (costPerHour, tokensPerMinute) = BurnRate();
        var unpricedModels = models.Where(m => m.UnpricedRequests > 0).Select(m => m.Model ?? "(unknown model)").Distinct(StringComparer.Ordinal).ToList();
        var limits = _limits.Gauges(_now);
        var warnings = SnapshotWarnings.For(sum, _lastFailure, unpricedModels, limits, _time.LocalTimeZone);
        if (_anomalySettingsError is not null)
        {
            warnings = [.. warnings, _anomalySettingsError];
        }

        return new TokenUsageSnapshot
        {
            Time = _now,
            Window = _loadedWindow,
            WindowStart = new DateTime(_totals.StartTicks, DateTimeKind.Utc),
            ProxyState = _proxy is null ? TokentapProxyState.NotRunning : _proxy.IsThisProcess ? TokentapProxyState.RunningHere : TokentapProxyState.RunningElsewhere,
            Demo = _demo,
            ProxyPort = _proxy?.Port ?? 0,
            ProxyProcessId = _proxy?.ProcessId ?? 0,
            Requests = sum.Requests,
            Errors = sum.Errors,
            InputTokens = sum.InputTokens,
            CacheReadTokens = sum.CacheReadTokens,
            CacheWriteTokens = sum.CacheWriteTokens,
            OutputTokens = sum.OutputTokens,
            Cost = sum.Cost,
            UnpricedRequests = sum.UnpricedRequests,
            EstimatedRequests = sum.EstimatedRequests,
            ErrorRate = sum.Requests > 0 ? (double)sum.Errors / sum.Requests : 0,
            CacheHitRatio = CacheHitRatio(sum),
            CacheReadSavings = models.Any(m => m.CacheReadSavings is not null) ? models.Sum(m => m.CacheReadSavings ?? 0) : null,
            CacheWriteExtraCost = models.Any(m => m.CacheWriteExtraCost is not null) ? models.Sum(m => m.CacheWriteExtraCost ?? 0) : null,
            CostPerHour = costPerHour,
            TokensPerMinute = tokensPerMinute,
            SeriesInterval = TimeSpan.FromTicks(span.StepTicks),
            Series = series,
            Models = models,
            RecentRequests = _newest.Items.ToList(),
            ContentCapture = _previews is not null,
            Previews = _previews?.For(_newest.Items) ?? EmptyPreviews,
            LastFailedRequest = _lastFailure,
            Contexts = Contexts(),
            Limits = [.. limits, .. _rateLimits.Gauges(_now)],
            Budgets = _budgets?.Invoke() ?? [],
            UnpricedModels = unpricedModels,
            Anomalies = AnomalyDetector.Detect(_recent.Events, _anomalySettings, _prices).Reverse().ToList(),
            Warnings = warnings,
        };
    }

    /// <summary>A model's cache savings at its standard rates now (see <see cref="TokenUsageModelRow.CacheWriteExtraCost"/>).</summary>
    private (decimal ReadSavings, decimal WriteExtraCost)? CacheSavingsOf(ModelKey key, UsageTotals totals) =>
        _prices.Resolve(key.Model, key.Provider) is { } price
            ? Pricing.CacheSavings.AtStandardRates(price, new TokenCounts(totals.InputTokens, totals.CacheReadTokens, totals.CacheWriteTokens, 0, totals.OutputTokens), _now)
            : null;

    private static TokenUsageModelRow ModelRow(ModelKey key, UsageTotals totals, decimal windowCost, (decimal ReadSavings, decimal WriteExtraCost)? savings) => new()
    {
        CacheReadSavings = savings?.ReadSavings,
        CacheWriteExtraCost = savings?.WriteExtraCost,
        Provider = key.Provider,
        Model = key.Model,
        Requests = totals.Requests,
        Errors = totals.Errors,
        InputTokens = totals.InputTokens,
        CacheReadTokens = totals.CacheReadTokens,
        CacheWriteTokens = totals.CacheWriteTokens,
        OutputTokens = totals.OutputTokens,
        CacheHitRatio = CacheHitRatio(totals),
        Cost = totals.Requests > totals.UnpricedRequests ? totals.Cost : null,
        UnpricedRequests = totals.UnpricedRequests,
        EstimatedRequests = totals.EstimatedRequests,
        CostShare = windowCost > 0 ? (double)(totals.Cost / windowCost) : 0,
    };

    private static long TotalTokens(UsageTotals totals) => totals.TotalTokens;

    private static double CacheHitRatio(UsageTotals totals)
    {
        var prompt = totals.InputTokens + totals.CacheReadTokens + totals.CacheWriteTokens;
        return prompt > 0 ? (double)totals.CacheReadTokens / prompt : 0;
    }

    /// <summary>Cost per hour and tokens per minute over the burn period (shortened when -Since cuts into it).</summary>
    private (decimal CostPerHour, double TokensPerMinute) BurnRate()
    {
        var start = BurnStart(_now);
        var period = _now.Ticks - start;
        if (period <= 0)
        {
            return (0, 0);
        }

        decimal cost = 0;
        long tokens = 0;
        foreach (var usageEvent in _recent.Events)
        {
            if (usageEvent.Timestamp.Ticks >= start)
            {
                cost += usageEvent.Cost ?? 0;
                tokens += usageEvent.TotalTokens;
            }
        }

        return (cost * TimeSpan.TicksPerHour / period, tokens * (double)TimeSpan.TicksPerMinute / period);
    }

    /// <summary>
    /// One gauge per active session, from its last request that carried usage (a failed request without tokens says
    /// nothing about how full the context is).
    /// </summary>
    private List<TokenUsageContextGauge> Contexts()
    {
        var last = new Dictionary<string, UsageEvent>(StringComparer.Ordinal);
        foreach (var usageEvent in _recent.Events)
        {
            if ((usageEvent.ClientSessionId ?? usageEvent.Session) is { } session && usageEvent.ContextTokens > 0)
            {
                last[session] = usageEvent;
            }
        }

        return last
            .Select(pair =>
            {
                var usageEvent = pair.Value;
                var window = (_prices.Resolve(usageEvent.Model, usageEvent.Provider) ?? _prices.Resolve(usageEvent.RequestModel, usageEvent.Provider))?.ContextWindow;
                return new TokenUsageContextGauge
                {
                    Session = pair.Key,
                    App = usageEvent.App,
                    Model = usageEvent.Model ?? usageEvent.RequestModel,
                    ContextTokens = usageEvent.ContextTokens,
                    ContextWindow = window,
                    Fraction = window is > 0 ? (double)usageEvent.ContextTokens / window.Value : null,
                    LastRequest = usageEvent.Timestamp,
                };
            })
            .OrderByDescending(g => g.LastRequest).ThenBy(g => g.Session, StringComparer.Ordinal)
            .ToList();
    }
}
