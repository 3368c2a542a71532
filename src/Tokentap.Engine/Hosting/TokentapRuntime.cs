// The engine facade for one data folder in one process: store, prices, recorder, usage observer, certificate
// authority and the proxy listeners that share them. The module keeps one; tests and benchmarks make their own.
using System.Net.Sockets;
using Tokentap.Engine.Anomalies;
using Tokentap.Engine.Budgets;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Export;
using Tokentap.Engine.Content;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Registry;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Hosting;

/// <summary>
/// Everything Tokentap runs for a data folder. The store and price table open on first use (queries need no proxy);
/// the recorder and observer start with the first listener. <see cref="Dispose"/> is the one shutdown path: stop
/// listeners, flush the recorder, close the store.
/// </summary>
public sealed class TokentapRuntime : IDisposable
{
    private const int MaxNotices = 100;
    private readonly object _gate = new();
    private readonly Lazy<UsageStore> _store;
    private Lazy<PriceTable> _prices;
    private readonly UsageRecorderOptions? _recorderOptions;
    private readonly List<ProxyListener> _listeners = new();
    private readonly Queue<string> _notices = new();
    private readonly BudgetMonitor _budgets;
    private UsageRecorder? _recorder;
    private UsageObserver? _observer;
    private CountingSink? _sink;
    private AnomalyMonitor? _anomalies;
    private ExportWorker? _exporter;
    private ContentCapture? _content;
    private string? _lastRecorderError;
    private string? _lastObserverFailure;
    private bool _disposed;

    public TokentapRuntime(
        TokentapPaths paths,
        UsageRecorderOptions? recorderOptions = null,
        BudgetOptions? budgetOptions = null,
        ExportWorkerOptions? exportOptions = null)
    {
        Paths = paths;
        _budgets = new BudgetMonitor(paths, () => Store, FlushAsync, budgetOptions);
        _recorderOptions = recorderOptions;
        ExportOptions = exportOptions;
        _store = new Lazy<UsageStore>(OpenStore, LazyThreadSafetyMode.ExecutionAndPublication);
        _prices = new Lazy<PriceTable>(() => PriceTable.Load(Paths), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The data folder.</summary>
    public TokentapPaths Paths { get; }

    /// <summary>The usage store (opened on first use).</summary>
    public UsageStore Store => _store.Value;

    /// <summary>The price table: embedded prices with the user's prices.json merged over them.</summary>
    public PriceTable Prices => _prices.Value;

    /// <summary>The recorder, once a listener has started.</summary>
    public UsageRecorder? Recorder => _recorder;

    /// <summary>The usage observer, once a listener has started.</summary>
    public UsageObserver? Observer => _observer;

    /// <summary>The OTLP exporter, which runs with the recording (it idles while export.json does not turn export on).</summary>
    public ExportWorker? Exporter => _exporter;

    /// <summary>The exporter's timings (null: the defaults).</summary>
    public ExportWorkerOptions? ExportOptions { get; }

    /// <summary>The live anomaly detector of the recording in progress, once a listener has started.</summary>
    public AnomalyMonitor? Anomalies => _anomalies;
    /// <summary>Content capture of the recording in progress, when it is on; null otherwise.</summary>
    internal ContentCapture? Content => Volatile.Read(ref _content);

    /// <summary>The budgets of budgets.json: enforced by this process's listeners while any runs.</summary>
    public BudgetMonitor Budgets => _budgets;

    /// <summary>The listeners running now.</summary>
    public IReadOnlyList<ProxyListener> Listeners
    {
        get
        {
            lock (_gate)
            {
                return _listeners.ToList();
            }
        }
    }

    /// <summary>Starts a proxy listener on loopback, opening (or creating, or widening) the certificate authority.</summary>
    public async Task<ProxyListener> StartListenerAsync(ListenerRequest request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        StartTrace.Mark("listener start begins");
        var hosts = InterceptHostList.WithAdditions(request.AdditionalInterceptHosts);

        // Opening the CA (the first use of the crypto library) and opening the recording (store, recorder, anomalies,
        // budgets, content capture when on; the price table reads its models on first use, by the warm-up or the first
        // response) do not depend on each other, so they run side by side: start costs the
        // longer of the two.
        var opening = Task.Run(
            () =>
            {
                var opened = CertificateAuthority.Open(Paths, hosts.Patterns);
                StartTrace.Mark("CA opened");
                return opened;
            },
            CancellationToken.None);
        UsageObserver observer;
        AnomalyMonitor anomalies;
        try
        {
            var capture = request.CaptureContent || ContentSettingsFile.Load(Paths).Enabled;
            (observer, anomalies) = EnsureRecording();
            _budgets.Start(DateTime.UtcNow);
            StartTrace.Mark("budgets started");
            if (capture)
            {
                EnsureContentCapture(observer);
            }
        }
        catch
        {
            await CloseUnusedAuthorityAsync(opening).ConfigureAwait(false);
            throw;
        }

        CertificateAuthorityOpenResult authority;
        try
        {
            authority = await opening.ConfigureAwait(false);
            StartTrace.Mark("CA awaited");
        }
        catch
        {
            // As before the two ran side by side: a CA that cannot be opened leaves nothing started.
            StopRecordingIfIdle();
            throw;
        }

        var retryLoopGate = new RetryLoopGate(anomalies, AnomalySettingsFile.PathIn(Paths));
        var port = request.Port;
        for (var attempt = 0; ; attempt++)
        {
            var options = new ProxyOptions
            {
                CertificateAuthority = authority.Authority,
                Observer = observer,
                Gates = [_budgets.Gate, retryLoopGate],
                Port = port,
                InterceptHosts = hosts,
                UpstreamOverrides = request.UpstreamOverrides,
                UpstreamProxy = request.UpstreamProxy,
                ExtraTrustedRootsPemPath = request.UpstreamCaFile,
                UpstreamResponseHeadersTimeout = request.UpstreamResponseHeadersTimeout ?? ProxyOptions.DefaultUpstreamResponseHeadersTimeout,
                Tags = request.Tags,
            };
            var server = new ProxyServer(options);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                server.Start();
            }
            catch (SocketException) when (request.FallBackToNextFreePort && port is > 0 and < 65535 && attempt < 100)
            {
                await server.DisposeAsync().ConfigureAwait(false);
                port++;
                continue;
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                authority.Authority.Dispose();
                throw;
            }

            StartTrace.Mark("listening");
            // Other shells read the registry; this start does not wait for it (a failure becomes a notice).
            var registration = new BackgroundRegistration(Paths, new RunningProxy(Environment.ProcessId, server.Port, request.Tags.Session, DateTime.UtcNow), AddNotice);
            var listener = new ProxyListener(server, authority, request.Port, registration, Forget) { Registered = registration.Completion };
            lock (_gate)
            {
                _listeners.Add(listener);
            }

            var leafAuthority = authority.Authority;
            StartTrace.Mark("registration queued");
            listener.WarmUp = EndToEndWarmUp.Start(leafAuthority, hosts, () => Prices, options.ClientProcesses, () => ProxyWarmUp.IssueLeaves(leafAuthority, hosts), request.WarmUpDelay, upstreamCheck: server.WarmUpstreamCertificateCheck);
            return listener;
        }
    }

    /// <summary>
    /// Reads prices.json again. Returns false when a listener's observer already holds the old table (the running
    /// proxy keeps it until it is restarted); true when the new prices apply from now on.
    /// </summary>
    public bool ReloadPrices()
    {
        lock (_gate)
        {
            if (_observer is not null)
            {
                return false;
            }

            _prices = new Lazy<PriceTable>(() => PriceTable.Load(Paths), LazyThreadSafetyMode.ExecutionAndPublication);
            return true;
        }
    }

    /// <summary>Waits until every event captured so far is committed to the database.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_recorder?.FlushAsync(cancellationToken) ?? Task.CompletedTask, Content?.Writer.FlushAsync() ?? Task.CompletedTask);

    /// <summary>Events captured in this process for the session since the runtime started.</summary>
    public long CapturedEvents(string? session) => _sink?.Count(session) ?? 0;

    /// <summary>
    /// Messages the user should see once, oldest first: unknown prices, a bad prices.json, a damaged database that
    /// was moved aside, recorder and observer failures. Each is returned once.
    /// </summary>
    public IReadOnlyList<string> DrainNotices()
    {
        if (_prices.IsValueCreated && _prices.Value.IsLoaded)
        {
            foreach (var warning in _prices.Value.DrainWarnings())
            {
                AddNotice(warning);
            }
        }

        if (_recorder?.Status.LastError is { } recorderError && recorderError != _lastRecorderError)
        {
            _lastRecorderError = recorderError;
            AddNotice("Recording usage: " + recorderError);
        }

        if (_observer?.LastFailure is { } observerFailure && observerFailure != _lastObserverFailure)
        {
            _lastObserverFailure = observerFailure;
            AddNotice("Reading usage: " + observerFailure);
        }

        foreach (var notice in _budgets.DrainNotices())
        {
            AddNotice(notice);
        }

        lock (_notices)
        {
            var drained = _notices.ToList();
            _notices.Clear();
            return drained;
        }
    }

    /// <summary>Models seen in this process without a known price.</summary>
    public IReadOnlyList<string> UnpricedModels() =>
        _prices.IsValueCreated ? _prices.Value.UnpricedModels : Array.Empty<string>();

    /// <summary>True while the recorder's writes to the database fail (see <see cref="UsageRecorderStatus.WriteFailing"/>).</summary>
    public bool WriteFailing => _recorder?.Status.WriteFailing ?? false;

    /// <summary>The recorder's last failed write, naming the file; null when none (or nothing recorded yet).</summary>
    public string? LastWriteError => _recorder?.Status.LastWriteError;

    /// <summary>Decoded response bytes the usage parsers hold now, across every exchange of the process.</summary>
    public long DecodeBudgetUsedBytes => DecodedBodyBudget.Shared.HeldBytes;

    /// <summary>The process-wide cap on <see cref="DecodeBudgetUsedBytes"/>.</summary>
    public long DecodeBudgetCapBytes => DecodedBodyBudget.Shared.LimitBytes;

    /// <summary>Failures counted since start: proxy failures of every kind, observer failures and failed batches.</summary>
    public long FailureCount()
    {
        var proxy = Listeners.Sum(l => l.Server.Statistics.FailureCounts.Values.Sum());
        return proxy + (_observer?.Failures ?? 0) + (_recorder?.Status.FailedBatches ?? 0);
    }

    /// <summary>The most recent failures of the listeners, recorder and observer, newest first.</summary>
    public IReadOnlyList<string> RecentErrors(int max = 10)
    {
        var errors = Listeners
            .SelectMany(l => l.Server.Statistics.RecentFailures)
            .Select(f => (f.TimeUtc.UtcDateTime, $"{f.TimeUtc.LocalDateTime:HH:mm:ss} {f.Kind}: {f.Message}"))
            .ToList();
        if (_recorder?.Status is { LastError: { } error, LastErrorTime: { } time })
        {
            errors.Add((time, $"{time.ToLocalTime():HH:mm:ss} Store: {error}"));
        }

        return errors.OrderByDescending(e => e.Item1).Take(max).Select(e => e.Item2).ToList();
    }

    public void Dispose()
    {
        List<ProxyListener> listeners;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            listeners = _listeners.ToList();
        }

        foreach (var listener in listeners)
        {
            listener.StopAsync().GetAwaiter().GetResult();
        }

        StartTrace.Mark("close: listeners stopped");
        _budgets.Dispose();
        Interlocked.Exchange(ref _content, null)?.Dispose();
        StartTrace.Mark("close: budgets and content closed");
        _recorder?.Stop(TimeSpan.FromSeconds(10));
        _recorder?.Dispose();
        StartTrace.Mark("close: recorder stopped");
        _exporter?.Stop(ExportWorker.StopTimeout);
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }

        StartTrace.Mark("close: store closed");
    }

    private (UsageObserver Observer, AnomalyMonitor Anomalies) EnsureRecording()
    {
        lock (_gate)
        {
            if (_observer is not null && _anomalies is not null)
            {
                return (_observer, _anomalies);
            }

            StartTrace.Mark("content settings read");
            _ = Store;
            StartTrace.Mark("store opened");
            _recorder = new UsageRecorder(Store, _recorderOptions);
            StartTrace.Mark("recorder started");
            _anomalies = AnomalyMonitor.Open(Paths, Prices, AddNotice);
            StartTrace.Mark("anomaly monitor opened");
            _sink = new CountingSink(new MonitoringSink(_budgets.Wrap(_recorder), _anomalies));
            _observer = new UsageObserver(Prices, _sink);
            StartTrace.Mark("observer made");
            _exporter = new ExportWorker(Paths, Store, ExportOptions);
            StartTrace.Mark("exporter started");
            return (_observer, _anomalies);
        }
    }

    // The start failed elsewhere: the CA opened beside it is disposed; its own failure, if any, is not the one to report.
    private static async Task CloseUnusedAuthorityAsync(Task<CertificateAuthorityOpenResult> opening)
    {
        try
        {
            (await opening.ConfigureAwait(false)).Authority.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Only the first failure of the start is reported.
        }
    }

    // Turns content capture on for the recording in progress (it stays on until the last listener stops).
    private void EnsureContentCapture(UsageObserver observer)
    {
        lock (_gate)
        {
            if (_content is null)
            {
                Paths.EnsureHome();
                _content = new ContentCapture(ContentStore.In(Paths), ContentSettingsFile.Load(Paths));
            }

            observer.ContentCapture = _content;
        }
    }

    private UsageStore OpenStore()
    {
        Directory.CreateDirectory(Paths.Home);
        var store = new UsageStore(Paths.DatabasePath);
        store.Recovered += recovery => AddNotice(recovery.Message);
        store.Salvaged += salvage => AddNotice(salvage.Message);
        if (store.LastRecovery is { } recovered)
        {
            AddNotice(recovered.Message);
        }

        return store;
    }

    /// <summary>
    /// Called when a listener has stopped. The last one to stop also stops recording: the recorder flushes and its
    /// writer thread ends, so a stopped Tokentap leaves no thread of its own behind. The next listener starts anew.
    /// </summary>
    private void Forget(ProxyListener listener)
    {
        lock (_gate)
        {
            _listeners.Remove(listener);
        }

        listener.Authority.Dispose();
        StopRecordingIfIdle();
    }

    // With no listener left (the last stopped, or the first failed to start), the recorder flushes and its thread ends.
    private void StopRecordingIfIdle()
    {
        UsageRecorder? idle = null;
        ExportWorker? idleExporter = null;
        ContentCapture? content = null;
        lock (_gate)
        {
            if (_listeners.Count == 0 && !_disposed)
            {
                idle = _recorder;
                idleExporter = _exporter;
                _exporter = null;
                content = _content;
                _content = null;
                _recorder = null;
                _observer = null;
                _sink = null;
            }
        }

        content?.Dispose();
        if (idle is not null)
        {
            _budgets.Stop();
            idle.Stop(TimeSpan.FromSeconds(10));
            idle.Dispose();
        }

        idleExporter?.Stop(ExportWorker.StopTimeout);
    }

    private void AddNotice(string message)
    {
        lock (_notices)
        {
            if (_notices.Count >= MaxNotices)
            {
                _notices.Dequeue();
            }

            _notices.Enqueue(message);
        }
    }
}
