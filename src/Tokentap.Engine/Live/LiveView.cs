// The full-screen live view: owns the terminal while it runs, refreshes the snapshot, redraws when something changed,
// and answers keys. One thread, no background work: it waits on the cancellation token between short input polls.
using System.Diagnostics;
using Spectre.Console;

namespace Tokentap.Engine.Live;

/// <summary>
/// Runs until q (or Esc on the overview) is pressed or the token is cancelled (Ctrl+C in pwsh cancels it through
/// StopProcessing; when the terminal delivers Ctrl+C as a key instead, that quits too). Every way out takes the same
/// path: the finally block that shows the cursor again and leaves the alternate screen. Keys: t cycles the window,
/// p pauses refreshing, the rest move between screens (<see cref="LiveBrowser"/>). Redraws at most every
/// <see cref="LiveViewOptions.MinRedrawInterval"/>, and only when the snapshot changed, the terminal was resized, a key
/// changed the view, or the clock's minute turned. A breakdown screen re-reads the window's events when it is opened
/// and when the snapshot changed.
/// </summary>
public sealed class LiveView
{
    /// <summary>How many requests above and below the selection a session's screen reads previews for.</summary>
    internal const int DetailPreviewReach = 64;

    private readonly SnapshotBuilder _builder;
    private readonly IAnsiConsole _console;
    private readonly LiveViewOptions _options;
    private readonly TimeProvider _time;
    private readonly LiveBrowser _browser = new();
    private bool _paused;
    private bool _breakdownStale = true;
    private IReadOnlyList<LiveGroupRow> _rows = [];
    private LiveSessionDetail? _detail;
    private string? _failure;
    private int _framesDrawn;
    private int _refreshes;

    public LiveView(SnapshotBuilder builder, IAnsiConsole console, LiveViewOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(console);
        _builder = builder;
        _console = console;
        _options = options ?? new LiveViewOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Screens drawn so far (readable from any thread).</summary>
    public int FramesDrawn => Volatile.Read(ref _framesDrawn);

    /// <summary>Snapshot refreshes done so far (readable from any thread).</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>
    /// Shows the view on the process's terminal (ANSI, colours and Unicode as detected; no colour with NO_COLOR) until
    /// the user quits or the token is cancelled. Callers outside the engine's load context use this rather than the
    /// constructor, so they never touch a Spectre.Console type.
    /// </summary>
    public static void RunOnTerminal(SnapshotBuilder builder, LiveViewOptions options, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        new LiveView(builder, console, options).Run(cancellationToken);
    }

    /// <summary>Shows the view until the user quits or <paramref name="cancellationToken"/> is cancelled.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        var ansi = _console.Profile.Capabilities.Ansi;
        if (ansi)
        {
            _console.WriteAnsi(w => w.EnterAltScreen().HideCursor().CursorHome().EraseInDisplay(2));
        }

        try
        {
            Loop(cancellationToken, ansi);
        }
        finally
        {
            if (ansi)
            {
                _console.WriteAnsi(w => w.ResetStyle().ShowCursor().ExitAltScreen());
            }
            else
            {
                _console.Clear(true);
            }
        }
    }

    private void Loop(CancellationToken cancellationToken, bool ansi)
    {
        var refreshDue = true;
        var dirty = true;
        var nextRefresh = 0L;
        var lastDraw = 0L;
        var drawnSize = (Width: 0, Height: 0);
        var drawnMinute = -1L;
        while (!cancellationToken.IsCancellationRequested)
        {
            while (_console.Input.IsKeyAvailable() && _console.Input.ReadKey(intercept: true) is { } key)
            {
                switch (_browser.Handle(key))
                {
                    case LiveCommand.Quit:
                        return;
                    case LiveCommand.CycleWindow:
                        _builder.Window = LiveWindows.Next(_builder.Window);
                        refreshDue = dirty = _breakdownStale = true;
                        break;
                    case LiveCommand.Pause:
                        _paused = !_paused;
                        refreshDue = !_paused;
                        dirty = true;
                        break;
                    case LiveCommand.Navigate:
                        dirty = _breakdownStale = true;
                        break;
                }
            }

            var now = Stopwatch.GetTimestamp();
            if (!_paused && (refreshDue || now >= nextRefresh))
            {
                var changed = Refresh(cancellationToken);
                dirty |= changed;
                _breakdownStale |= changed;
                refreshDue = false;
                nextRefresh = now + (long)(_options.RefreshInterval.TotalSeconds * Stopwatch.Frequency);
            }

            var size = (_console.Profile.Width, _console.Profile.Height);
            var minute = _time.GetUtcNow().Ticks / TimeSpan.TicksPerMinute;
            var resized = size != drawnSize;
            dirty |= resized || minute != drawnMinute;
            if (dirty && (lastDraw == 0 || Stopwatch.GetElapsedTime(lastDraw) >= _options.MinRedrawInterval))
            {
                Draw(ansi, clear: resized);
                lastDraw = Stopwatch.GetTimestamp();
                drawnSize = size;
                drawnMinute = minute;
                dirty = false;
            }

            cancellationToken.WaitHandle.WaitOne(_options.InputPollInterval);
        }
    }

    /// <summary>Refreshes the snapshot; a failure is shown on screen and the view keeps going.</summary>
    private bool Refresh(CancellationToken cancellationToken)
    {
        var hadFailure = _failure is not null;
        try
        {
            var changed = _builder.Refresh(cancellationToken);
            Interlocked.Increment(ref _refreshes);
            _failure = null;
            return changed || hadFailure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            // The store may be busy, locked by another tool or damaged: say so on screen and try again next time.
            var failure = "Reading the store failed: " + ex.Message;
            var changed = failure != _failure;
            _failure = failure;
            return changed;
        }
    }

    private void Draw(bool ansi, bool clear)
    {
        var width = _console.Profile.Width;
        var height = _console.Profile.Height;
        var now = _time.GetUtcNow().UtcDateTime;
        Arrange();
        var state = new LiveScreenState
        {
            NowUtc = now,
            Zone = _time.LocalTimeZone,
            Paused = _paused,
            FilterText = _options.FilterText,
            Failure = _failure,
            View = _browser.View,
            Within = _browser.Within,
            Rows = _rows,
            Detail = _detail,
            Selected = _browser.Selected,
            Sort = _browser.View == LiveViewKind.Overview ? null
                : _browser.View == LiveViewKind.SessionDetail ? LiveGroups.DetailSorts[_browser.Sort % LiveGroups.DetailSorts.Count]
                : LiveGroups.GroupSorts[_browser.Sort % LiveGroups.GroupSorts.Count],
            TextFilter = _browser.Filter,
            Typing = _browser.Typing,
            Help = _browser.Help,
            Theme = _options.Theme,
        };
        var snapshot = _builder.HasSnapshot ? _builder.Snapshot : new TokenUsageSnapshot { Time = now, Window = _builder.Window, WindowStart = LiveWindows.StartOf(_builder.Window, now, _time.LocalTimeZone) };
        var frame = SnapshotRenderer.Render(snapshot, state, width, height, _console.Profile.Capabilities.Unicode);
        if (ansi)
        {
            _console.WriteAnsi(w =>
            {
                w.CursorHome();
                if (clear)
                {
                    w.EraseInDisplay(2);
                }
            });
        }
        else
        {
            _console.Clear(true);
        }

        _console.Write(frame);
        Interlocked.Increment(ref _framesDrawn);
    }

    /// <summary>The requests a screen can show around the selected one (previews are read for these only).</summary>
    private List<UsageEvent> NearSelection(IReadOnlyList<UsageEvent> requests)
    {
        var from = Math.Clamp(_browser.Selected - DetailPreviewReach, 0, Math.Max(requests.Count - 1, 0));
        return requests.Skip(from).Take(2 * DetailPreviewReach + 1).ToList();
    }

    /// <summary>
    /// Reads the window's events again for a breakdown or a session when the screen or the snapshot changed, and
    /// arranges the rows as the user sorted and filtered them. A store failure here shows like a refresh failure.
    /// </summary>
    private void Arrange()
    {
        if (_browser.View == LiveViewKind.Overview || !_breakdownStale || !_builder.HasSnapshot || _builder.LoadedSpan is not { } span)
        {
            return;
        }

        try
        {
            var events = _builder.WindowEvents().ToList();
            if (_browser.View == LiveViewKind.SessionDetail)
            {
                _detail = LiveGroups.Detail(events, _browser.Session!, _builder.Prices, _browser.Sort, _browser.Filter);
                _detail = _detail with { Previews = _builder.PreviewsOf(NearSelection(_detail.Requests)) };
                _browser.Shown = _detail.Requests.Select(e => e.Id.ToString()).ToList();
            }
            else
            {
                var rows = LiveGroups.Build(events, _browser.View, span.StartTicks, span.StepTicks, span.Steps, _browser.Within);
                _rows = LiveGroups.Arrange(rows, _browser.Sort, _browser.Filter);
                _browser.Shown = _rows.Select(r => r.Key).ToList();
            }

            _breakdownStale = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _failure = "Reading the store failed: " + ex.Message;
        }
    }
}
