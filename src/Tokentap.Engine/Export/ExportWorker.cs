// The exporter thread: sends the store's tail over OTLP from a persisted position, at least once, off the proxy path.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Export;

/// <summary>
/// Reads events stored after the persisted position (<see cref="ExportPosition"/>) page by page, sends one log record
/// each through <see cref="OtlpSession"/>, and saves the page's position only after every record of it was accepted,
/// so events recorded while the collector was down, or while no proxy ran, are sent later. A page that failed part
/// way is sent again whole (at least once; tokentap.event.id lets a backend drop repeats). Failures back off and are
/// kept in <see cref="Status"/>; nothing leaves the thread. Settings are read again when export.json changes. Only one
/// process exports a data folder at a time (export.lock). The proxy never waits on it: it only reads the store.
/// </summary>
public sealed class ExportWorker : IDisposable
{
    public const string LockFileName = "export.lock";

    /// <summary>How long Stop-Tokentap and Remove-Module wait for the exporter at most.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly TokentapPaths _paths;
    private readonly UsageStore _store;
    private readonly ExportWorkerOptions _options;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly CancellationTokenSource _cancel = new();
    private readonly object _gate = new();

    // Used by the worker thread only.
    private OtlpSession? _session;
    private ExportSettings? _sessionSettings;
    private FileStream? _lock;
    private DateTime _settingsTime;
    private ExportSettings? _settings;

    // Guarded by _gate.
    private long _position = -1;
    private long _exported;
    private string? _lastError;
    private DateTime? _lastErrorTime;
    private DateTime? _lastSuccessTime;

    public ExportWorker(TokentapPaths paths, UsageStore store, ExportWorkerOptions? options = null)
    {
        _paths = paths;
        _store = store;
        _options = options ?? new ExportWorkerOptions();
        _thread = new Thread(Run) { IsBackground = true, Name = "Tokentap OTLP export" };
        _thread.Start();
    }

    public ExportWorkerStatus Status
    {
        get
        {
            lock (_gate)
            {
                var position = _position >= 0 ? _position : ExportPosition.Load(_paths);
                return new ExportWorkerStatus(_thread.IsAlive, position, _exported, _lastError, _lastErrorTime, _lastSuccessTime);
            }
        }
    }

    /// <summary>
    /// Ends the thread within <paramref name="timeout"/>: the page in progress stops (its position is not saved, so its
    /// events are sent again next time) and the metrics are exported once more. After three quarters of the time any
    /// request still waiting for the collector is cancelled, so a collector that does not answer cannot hold pwsh.
    /// </summary>
    public void Stop(TimeSpan timeout)
    {
        _stop.Set();
        if (Thread.CurrentThread == _thread)
        {
            return;
        }

        if (!_thread.Join(timeout * 0.75))
        {
            _cancel.Cancel();
            _thread.Join(timeout * 0.25);
        }
    }

    public void Dispose() => Stop(StopTimeout);

    private void Run()
    {
        var delay = _options.RetryDelay;
        try
        {
            while (!_stop.IsSet)
            {
                bool? sent;
                try
                {
                    sent = Step();
                }
                catch (Exception ex)
                {
                    // Nothing may escape this thread; a store or settings failure is kept and retried after a wait.
                    RecordError("Export failed: " + ex.Message);
                    sent = false;
                }

                if (sent == true)
                {
                    delay = _options.RetryDelay;
                }
                else if (sent == false)
                {
                    _stop.Wait(delay);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                }
                else
                {
                    _stop.Wait(_options.PollInterval);
                }
            }
        }
        finally
        {
            Close();
        }
    }

    /// <summary>One page: true when events were sent, false on a failure, null when there was nothing to do.</summary>
    private bool? Step()
    {
        var settings = CurrentSettings();
        if (settings is not { Enabled: true } || !HoldLock())
        {
            CloseSession();
            return null;
        }

        if (_session is null || _sessionSettings != settings)
        {
            CloseSession();
            _session = new OtlpSession(settings, _options.MetricInterval, _cancel.Token);
            _sessionSettings = settings;
        }

        var position = ExportPosition.Load(_paths);
        lock (_gate)
        {
            _position = position;
        }

        var page = _store.ReadAfter(position, max: _options.PageSize);
        if (page.Position == position)
        {
            return null;
        }

        foreach (var e in page.Events)
        {
            if (_stop.IsSet)
            {
                return null;
            }

            if (!_session.Send(e))
            {
                RecordError($"The collector at {settings.Endpoint} did not accept the export; it is retried with backoff.");
                return false;
            }
        }

        ExportPosition.Save(_paths, page.Position);
        lock (_gate)
        {
            _position = page.Position;
            _exported += page.Events.Count;
            _lastSuccessTime = DateTime.UtcNow;
        }

        return true;
    }

    /// <summary>The settings, read again only when export.json changed (a bad file counts as export off, with an error).</summary>
    private ExportSettings? CurrentSettings()
    {
        var path = ExportSettings.PathIn(_paths);
        var time = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (time != _settingsTime)
        {
            _settingsTime = time;
            try
            {
                _settings = ExportSettings.Load(_paths);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                _settings = null;
                RecordError(ex.Message);
            }
        }

        return _settings;
    }

    /// <summary>True while this process holds export.lock (another process exporting the same folder holds it otherwise).</summary>
    private bool HoldLock()
    {
        if (_lock is not null)
        {
            return true;
        }

        try
        {
            _lock = new FileStream(Path.Combine(_paths.Home, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void CloseSession()
    {
        if (_session is not null)
        {
            _session.FlushMetrics(5_000);
            _session.Dispose();
            _session = null;
            _sessionSettings = null;
        }
    }

    private void Close()
    {
        try
        {
            CloseSession();
        }
        catch (Exception ex)
        {
            RecordError("Closing the export failed: " + ex.Message);
        }

        _lock?.Dispose();
        _lock = null;
    }

    private void RecordError(string message)
    {
        lock (_gate)
        {
            _lastError = message;
            _lastErrorTime = DateTime.UtcNow;
        }
    }
}
