// Keeps every budget's spend current for this process: the store's sum plus this process's unwritten events, updated
// as events are published and re-read from the store on a short interval, so the per-request check reads no store.
using System.Globalization;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Budgets;

/// <summary>
/// The budgets of one data folder in one process. While a proxy runs (<see cref="Start"/>), the spend of each budget is
/// cached: events this process publishes are added as they pass (<see cref="Wrap"/>), and every
/// <see cref="BudgetOptions.RefreshInterval"/> a background loop writes out this process's queue, reads the store's sums
/// (rollups: cheap) for each budget's current period and scope, and so also sees the other shells' spend. The check on
/// the proxy path (<see cref="FindSpentBlockBudget"/>) is a loop over the budgets under one short lock. Thresholds
/// crossed queue alerts (<see cref="DrainAlerts"/>) and, when budgets.json names one, a webhook POST. A budgets.json
/// that cannot be read enforces nothing and says so once per change (<see cref="DrainNotices"/>).
/// </summary>
public sealed class BudgetMonitor : IDisposable
{
    private const int MaxQueued = 100;
    private readonly TokentapPaths _paths;
    private readonly Func<UsageStore> _store;
    private readonly Func<CancellationToken, Task> _flush;
    private readonly BudgetOptions _options;
    private readonly object _gate = new();
    private readonly object _refreshGate = new();
    private readonly List<PendingEvent> _pending = [];
    private readonly Queue<TokentapBudgetAlert> _alerts = new();
    private readonly Queue<string> _notices = new();
    private Tracked[] _tracked = [];
    private (DateTime Written, long Length)? _fileStamp;
    private string? _lastFileError;
    private string? _lastRefreshError;
    private long _sequence;
    private DateTime? _sessionStartUtc;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private BudgetWebhook? _webhook;
    private volatile bool _hasBlockBudgets;
    private volatile bool _hasProjectBlockBudgets;

    public BudgetMonitor(TokentapPaths paths, Func<UsageStore> store, Func<CancellationToken, Task> flush, BudgetOptions? options = null)
    {
        _paths = paths;
        _store = store;
        _flush = flush;
        _options = options ?? new BudgetOptions();
        Gate = new BudgetGate(this);
    }

    /// <summary>The request gate that refuses billed requests in the scope of a spent Block budget.</summary>
    public IRequestGate Gate { get; }

    /// <summary>budgets.json of this data folder.</summary>
    public string FilePath => BudgetFile.PathIn(_paths);

    /// <summary>True while a proxy of this process enforces the budgets.</summary>
    public bool IsRunning => Volatile.Read(ref _stop) is not null;

    /// <summary>True when some budget blocks (so the gate must look at requests at all).</summary>
    internal bool HasBlockBudgets => _hasBlockBudgets;

    /// <summary>True when some blocking budget's scope names projects (the one label the client process gives).</summary>
    internal bool HasProjectBlockBudgets => _hasProjectBlockBudgets;

    /// <summary>"2026-12-06 00:00 +01:00" in the budget's zone.</summary>
    public static string LocalText(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), zone);
        return local.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>A sink that tells the monitor about each event before handing it on.</summary>
    public IUsageSink Wrap(IUsageSink inner) => new ObservingSink(this, inner);

    /// <summary>Begins enforcing: reads budgets.json and the store now, then refreshes in the background.</summary>
    public void Start(DateTime sessionStartUtc)
    {
        lock (_gate)
        {
            if (_stop is not null)
            {
                return;
            }

            _sessionStartUtc = DateTime.SpecifyKind(sessionStartUtc, DateTimeKind.Utc);
            _stop = new CancellationTokenSource();
        }

        TryRefresh();
        var token = _stop.Token;
        _loop = Task.Run(() => RunAsync(token));
    }

    /// <summary>Stops the background refresh and the webhook; cached spend is dropped.</summary>
    public void Stop()
    {
        CancellationTokenSource? stop;
        Task? loop;
        BudgetWebhook? webhook;
        lock (_gate)
        {
            stop = _stop;
            loop = _loop;
            webhook = _webhook;
            _stop = null;
            _loop = null;
            _webhook = null;
            _tracked = [];
            _pending.Clear();
            _fileStamp = null;
            _lastFileError = null;
            _hasBlockBudgets = false;
            _hasProjectBlockBudgets = false;
            _sessionStartUtc = null;
        }

        if (stop is null)
        {
            return;
        }

        stop.Cancel();
        try
        {
            loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop catches its own failures; a cancelled wait leaves nothing to report.
        }

        webhook?.Dispose();
        stop.Dispose();
    }

    public void Dispose() => Stop();

    /// <summary>
    /// The budgets with their spend now. Reads budgets.json (a bad file throws <see cref="BudgetFileException"/>);
    /// while a proxy runs, first refreshes the cache so the figures are the ones the gate uses.
    /// </summary>
    public IReadOnlyList<TokentapBudget> Report()
    {
        var book = BudgetFile.Load(FilePath);
        if (IsRunning)
        {
            RefreshOnce();
            lock (_gate)
            {
                return _tracked.Select(t => t.ToContract(_options.Time.GetUtcNow().UtcDateTime)).ToList();
            }
        }

        var now = _options.Time.GetUtcNow().UtcDateTime;
        var store = _store();
        return book.Budgets.Select(definition =>
        {
            var tracked = new Tracked(definition);
            tracked.Roll(now, null);
            tracked.StoreSpent = SumCost(store, definition.Scope, tracked.StartUtc, now);
            return tracked.ToContract(now);
        }).ToList();
    }

    /// <summary>The budget gauges for the live view (empty when no proxy runs here or no budget is set).</summary>
    public IReadOnlyList<TokenUsageBudgetGauge> Gauges()
    {
        lock (_gate)
        {
            var now = _options.Time.GetUtcNow().UtcDateTime;
            return _tracked.Select(t =>
            {
                var budget = t.ToContract(now);
                return new TokenUsageBudgetGauge
                {
                    Name = budget.Name,
                    Spent = budget.Spent,
                    Amount = budget.Amount,
                    Percent = budget.Percent,
                    State = budget.State,
                    Action = budget.Action,
                    Period = budget.Period,
                    NextReset = budget.NextReset,
                };
            }).ToList();
        }
    }

    /// <summary>
    /// The gauges the live view shows: the cached ones while a proxy runs here, else read from the store now (none when
    /// budgets.json cannot be read; the cmdlets report that). Never throws.
    /// </summary>
    public IReadOnlyList<TokenUsageBudgetGauge> LiveGauges()
    {
        if (IsRunning)
        {
            return Gauges();
        }

        try
        {
            return Report().Select(b => new TokenUsageBudgetGauge
            {
                Name = b.Name,
                Spent = b.Spent,
                Amount = b.Amount,
                Percent = b.Percent,
                State = b.State,
                Action = b.Action,
                Period = b.Period,
                NextReset = b.NextReset,
            }).ToList();
        }
        catch (Exception ex) when (ex is BudgetFileException or IOException or UnauthorizedAccessException || StoreFailure.Classify(ex) is not null)
        {
            return [];
        }
    }

    /// <summary>Alerts raised since the last call, oldest first, each once.</summary>
    public IReadOnlyList<TokentapBudgetAlert> DrainAlerts()
    {
        lock (_gate)
        {
            var drained = _alerts.ToList();
            _alerts.Clear();
            return drained;
        }
    }

    /// <summary>Problems the user should see once: a bad budgets.json, a failing refresh or webhook.</summary>
    public IReadOnlyList<string> DrainNotices()
    {
        var webhook = _webhook?.TakeFailure();
        lock (_gate)
        {
            if (webhook is not null)
            {
                Notice(webhook);
            }

            var drained = _notices.ToList();
            _notices.Clear();
            return drained;
        }
    }

    /// <summary>
    /// Reads budgets.json (when it changed) and the store's sums now, after writing out this process's queue. Runs on
    /// the refresh loop, at <see cref="Start"/> and for <see cref="Report"/>; one at a time.
    /// </summary>
    public void RefreshOnce()
    {
        lock (_refreshGate)
        {
            ReloadIfChanged();
            long mark;
            Tracked[] tracked;
            lock (_gate)
            {
                mark = _sequence;
                tracked = _tracked;
            }

            var flushed = Wait(_flush, _options.FlushWait);
            var now = _options.Time.GetUtcNow().UtcDateTime;
            DateTime? session;
            lock (_gate)
            {
                session = _sessionStartUtc;
            }

            var store = tracked.Length == 0 ? null : _store();
            var sums = new decimal[tracked.Length];
            var starts = new DateTime[tracked.Length];
            for (var i = 0; i < tracked.Length; i++)
            {
                var (start, _) = tracked[i].Definition.Period.Current(now, tracked[i].Zone, session);
                starts[i] = start;
                sums[i] = SumCost(store!, tracked[i].Definition.Scope, start, now);
            }

            lock (_gate)
            {
                // Events written before the mark are in the sums now; later ones still count on their own. One that the
                // writer committed between the flush and the read is briefly counted twice (never zero times).
                if (flushed)
                {
                    _pending.RemoveAll(p => p.Sequence <= mark);
                }

                if (!ReferenceEquals(tracked, _tracked))
                {
                    return;
                }

                for (var i = 0; i < tracked.Length; i++)
                {
                    var t = tracked[i];
                    t.Roll(now, session);
                    if (t.StartUtc != starts[i] && t.Definition.Period.Kind != BudgetPeriodKind.Rolling)
                    {
                        // The period turned over during the read: the sum belongs to the old one.
                        continue;
                    }

                    t.StoreSpent = sums[i];
                    t.LocalSpent = LocalSum(t);
                    Evaluate(t, now, blocked: false);
                }
            }
        }
    }

    /// <summary>Makes the next refresh read budgets.json even if its size and time look unchanged.</summary>
    internal void ForgetFileStamp()
    {
        lock (_gate)
        {
            _fileStamp = (DateTime.MinValue, -1);
        }
    }

    /// <summary>
    /// The hot-path check: the first Block budget whose scope holds the request and whose amount is spent, or null.
    /// </summary>
    internal BudgetHit? FindSpentBlockBudget(in RequestLabels labels)
    {
        var now = _options.Time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            foreach (var t in _tracked)
            {
                if (t.Definition.Action != BudgetAction.Block
                    || !t.Matcher.MatchesLabels(labels.Provider, labels.Model, labels.App, labels.Session, labels.Project, success: true))
                {
                    continue;
                }

                if (t.Roll(now, _sessionStartUtc))
                {
                    t.LocalSpent = LocalSum(t);
                }

                if (t.Spent >= t.Definition.Amount)
                {
                    Evaluate(t, now, blocked: true);
                    return new BudgetHit(t.Definition.Name, t.Definition.Amount, t.Spent, t.Definition.Period, t.ResetUtc, t.Zone);
                }
            }
        }

        return null;
    }

    private static decimal SumCost(UsageStore store, UsageFilter scope, DateTime sinceUtc, DateTime nowUtc) =>
        store.Summarize(scope with { Since = DateTime.SpecifyKind(sinceUtc, DateTimeKind.Utc), Until = null }).Sum(r => r.Cost ?? 0m);

    private static bool Wait(Func<CancellationToken, Task> flush, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            flush(cancel.Token).Wait(timeout);
            return !cancel.IsCancellationRequested;
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    private void Observe(UsageEvent usage)
    {
        if (usage.Cost is not { } cost || cost == 0)
        {
            return;
        }

        var ticks = UsageKeys.UtcTicks(usage.Timestamp);
        var now = _options.Time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            if (_stop is null)
            {
                return;
            }

            _pending.Add(new PendingEvent(++_sequence, ticks, usage));
            foreach (var t in _tracked)
            {
                if (t.Roll(now, _sessionStartUtc))
                {
                    t.LocalSpent = LocalSum(t);
                }
                else if (ticks >= t.StartUtc.Ticks && t.Matcher.Matches(ticks, usage))
                {
                    t.LocalSpent += cost;
                }

                Evaluate(t, now, blocked: false);
            }
        }
    }

    // Under _gate: the unwritten events of this process in the budget's scope and current period.
    private decimal LocalSum(Tracked t)
    {
        var sum = 0m;
        var start = t.StartUtc.Ticks;
        foreach (var p in _pending)
        {
            if (p.Ticks >= start && t.Matcher.Matches(p.Ticks, p.Event))
            {
                sum += p.Event.Cost ?? 0m;
            }
        }

        return sum;
    }

    // Under _gate: raises the alert for the highest threshold crossed and not yet told in this period, and the first block.
    private void Evaluate(Tracked t, DateTime now, bool blocked)
    {
        var percent = t.Percent;
        var crossed = 0;
        foreach (var threshold in t.Definition.Thresholds)
        {
            if (percent >= threshold)
            {
                crossed = threshold;
            }
        }

        if (blocked && !t.BlockTold)
        {
            t.BlockTold = true;
            t.Told = Math.Max(t.Told, crossed);
            Raise(t, Math.Max(crossed, 100), now, blocked: true);
        }
        else if (crossed > t.Told)
        {
            t.Told = crossed;
            Raise(t, crossed, now, blocked: false);
        }
    }

    private void Raise(Tracked t, int threshold, DateTime now, bool blocked)
    {
        var d = t.Definition;
        var reset = t.ResetUtc is { } r ? $"; resets {LocalText(r, t.Zone)}" : t.Definition.Period.Kind == BudgetPeriodKind.Rolling ? $"; rolling {d.Period.Text}" : "";
        var what = blocked
            ? $"Budget '{d.Name}' blocked a request: {BudgetDefinition.Money(t.Spent)} of {BudgetDefinition.Money(d.Amount)} spent ({d.Period.Text}{reset}). Raise it with Set-TokentapBudget -Name {d.Name} -Amount <dollars>."
            : $"Budget '{d.Name}' is at {t.Percent.ToString("0", CultureInfo.InvariantCulture)} %: {BudgetDefinition.Money(t.Spent)} of {BudgetDefinition.Money(d.Amount)} ({d.Period.Text}{reset}; {d.ScopeText}).";
        var alert = new TokentapBudgetAlert
        {
            Name = d.Name,
            Threshold = threshold,
            Spent = t.Spent,
            Amount = d.Amount,
            Percent = t.Percent,
            Period = d.Period.Text,
            Action = d.Action,
            Blocked = blocked,
            NextReset = t.ToContract(now).NextReset,
            TimeUtc = now,
            Message = what,
        };
        if (_alerts.Count >= MaxQueued)
        {
            _alerts.Dequeue();
        }

        _alerts.Enqueue(alert);
        _webhook?.Post(alert);
    }

    private void ReloadIfChanged()
    {
        var path = FilePath;
        (DateTime, long)? stamp;
        try
        {
            var info = new FileInfo(path);
            stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stamp = null;
        }

        lock (_gate)
        {
            if (_tracked.Length > 0 || _fileStamp is not null || _lastFileError is not null)
            {
                if (Nullable.Equals(stamp, _fileStamp))
                {
                    return;
                }
            }
        }

        BudgetBook book;
        string? error = null;
        try
        {
            book = BudgetFile.Load(path);
        }
        catch (Exception ex) when (ex is BudgetFileException or IOException or UnauthorizedAccessException)
        {
            book = BudgetBook.Empty;
            error = ex.Message;
        }

        lock (_gate)
        {
            _fileStamp = stamp;
            if (error is not null && error != _lastFileError)
            {
                Notice($"Budgets: {error}. No budget is enforced until the file is fixed; usage is still recorded.");
            }

            _lastFileError = error;
            var previous = _tracked.ToDictionary(t => t.Definition.Name, StringComparer.OrdinalIgnoreCase);
            _tracked = book.Budgets.Select(definition =>
            {
                var t = new Tracked(definition);
                if (previous.TryGetValue(definition.Name, out var old) && old.Definition.Period.Text == definition.Period.Text)
                {
                    t.Told = old.Told;
                    t.BlockTold = old.BlockTold;
                }

                t.Roll(_options.Time.GetUtcNow().UtcDateTime, _sessionStartUtc);
                return t;
            }).ToArray();
            _hasBlockBudgets = _tracked.Any(t => t.Definition.Action == BudgetAction.Block);
            _hasProjectBlockBudgets = _tracked.Any(t => t.Definition.Action == BudgetAction.Block && t.Definition.Scope.Project is { Count: > 0 });
            if (_stop is not null && !Equals(_webhook?.Target, book.Webhook))
            {
                _webhook?.Dispose();
                _webhook = book.Webhook is null ? null : new BudgetWebhook(book.Webhook, _options.WebhookTimeout);
            }
        }
    }

    private async Task RunAsync(CancellationToken token)
    {
        try
        {
            // A stop disposes the timer, which ends the wait with false: no exception on every stop (and every shell's
            // exit) as a cancelled wait would throw.
            using var timer = new PeriodicTimer(_options.RefreshInterval, _options.Time);
            using var stopping = token.Register(static state => ((PeriodicTimer)state!).Dispose(), timer);
            while (await timer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
            {
                TryRefresh();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                Notice("Budgets: the refresh loop ended: " + ex.Message);
            }
        }
    }

    // Never throws: a store that is busy or damaged keeps the last figures and is reported once per distinct error.
    private void TryRefresh()
    {
        try
        {
            RefreshOnce();
            lock (_gate)
            {
                _lastRefreshError = null;
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                var message = $"{ex.GetType().Name}: {ex.Message}";
                if (message != _lastRefreshError)
                {
                    _lastRefreshError = message;
                    Notice("Budgets: reading the spend failed (the last figures stay in force): " + message);
                }
            }
        }
    }

    private void Notice(string message)
    {
        if (_notices.Count >= MaxQueued)
        {
            _notices.Dequeue();
        }

        _notices.Enqueue(message);
    }

    private readonly record struct PendingEvent(long Sequence, long Ticks, UsageEvent Event);

    // One budget's cached state; every member is read and written under the monitor's _gate.
    private sealed class Tracked
    {
        public Tracked(BudgetDefinition definition)
        {
            Definition = definition;
            Matcher = new UsageFilterMatcher(definition.Scope);
            Zone = definition.TimeZone;
        }

        public BudgetDefinition Definition { get; }

        public UsageFilterMatcher Matcher { get; }

        public TimeZoneInfo Zone { get; }

        public DateTime StartUtc { get; private set; }

        public DateTime? ResetUtc { get; private set; }

        public decimal StoreSpent { get; set; }

        public decimal LocalSpent { get; set; }

        /// <summary>The highest threshold already told in this period.</summary>
        public int Told { get; set; }

        /// <summary>A block was already told in this period.</summary>
        public bool BlockTold { get; set; }

        public decimal Spent => StoreSpent + LocalSpent;

        public double Percent => (double)(Spent / Definition.Amount * 100m);

        /// <summary>Moves to the current period; true when a calendar period turned over (spend starts from zero).</summary>
        public bool Roll(DateTime now, DateTime? session)
        {
            var first = StartUtc == default;
            if (!first && Definition.Period.Kind is not (BudgetPeriodKind.Rolling or BudgetPeriodKind.Session) && ResetUtc is { } reset && now < reset)
            {
                return false;
            }

            var (start, next) = Definition.Period.Current(now, Zone, session);
            var turned = !first && Definition.Period.Kind is not (BudgetPeriodKind.Rolling or BudgetPeriodKind.Session) && start != StartUtc;
            StartUtc = start;
            ResetUtc = next;
            if (turned)
            {
                StoreSpent = 0;
                Told = 0;
                BlockTold = false;
            }

            return turned;
        }

        public TokentapBudget ToContract(DateTime now)
        {
            var d = Definition;
            var spent = Spent;
            var percent = Percent;
            var lowest = d.Thresholds.Count == 0 ? 100 : d.Thresholds[0];
            return new TokentapBudget
            {
                Name = d.Name,
                Amount = d.Amount,
                Period = d.Period.Text,
                Spent = spent,
                Remaining = Math.Max(0, d.Amount - spent),
                Percent = Math.Round(percent, 2),
                State = spent >= d.Amount ? BudgetState.Exceeded : percent >= lowest ? BudgetState.Warning : BudgetState.Ok,
                Action = d.Action,
                PeriodStart = d.Period.Kind == BudgetPeriodKind.Session && StartUtc >= now ? null : ToOffset(StartUtc),
                NextReset = ResetUtc is { } reset ? ToOffset(reset) : null,
                Thresholds = d.Thresholds.ToArray(),
                TimeZone = d.TimeZoneId ?? TimeZoneInfo.Local.Id,
                Provider = d.Scope.Provider?.ToArray() ?? [],
                Model = d.Scope.Model?.ToArray() ?? [],
                App = d.Scope.App?.ToArray() ?? [],
                Project = d.Scope.Project?.ToArray() ?? [],
                Session = d.Scope.Session?.ToArray() ?? [],
                Scope = d.ScopeText,
            };
        }

        private DateTimeOffset ToOffset(DateTime utc) => TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), Zone);
    }

    private sealed class ObservingSink(BudgetMonitor monitor, IUsageSink inner) : IUsageSink
    {
        public void Publish(UsageEvent usageEvent)
        {
            inner.Publish(usageEvent);
            try
            {
                monitor.Observe(usageEvent);
            }
            catch (Exception ex)
            {
                lock (monitor._gate)
                {
                    monitor.Notice("Budgets: counting an event failed: " + ex.Message);
                }
            }
        }
    }
}
