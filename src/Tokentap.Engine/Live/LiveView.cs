// The full-screen live view: owns the terminal while it runs, refreshes the snapshot, redraws when something changed,
// and answers keys. One thread, no background work: it waits on the cancellation token between short input polls.
using System.Diagnostics;
using Spectre.Console;

namespace Tokentap.Engine.Live;

/// <summary>
/// Runs until q or Esc is pressed or the token is cancelled (Ctrl+C in pwsh cancels it through StopProcessing; when
/// the terminal delivers Ctrl+C as a key instead, that quits too). Every way out takes the same path: the finally
/// block that shows the cursor again and leaves the alternate screen. Keys: t cycles the window, p pauses refreshing.
/// Redraws at most every <see cref="LiveViewOptions.MinRedrawInterval"/>, and only when the snapshot changed, the
/// terminal was resized, a key changed the view, or the clock's minute turned.
/// </summary>
public sealed class LiveView
{
    private readonly SnapshotBuilder _builder;
    private readonly IAnsiConsole _console;
    private readonly LiveViewOptions _options;
    private readonly TimeProvider _time;
    private bool _paused;
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
                switch (Command(key))
                {
                    case LiveCommand.Quit:
                        return;
                    case LiveCommand.CycleWindow:
                        _builder.Window = LiveWindows.Next(_builder.Window);
                        refreshDue = dirty = true;
                        break;
                    case LiveCommand.Pause:
                        _paused = !_paused;
                        refreshDue = !_paused;
                        dirty = true;
                        break;
                }
            }

            var now = Stopwatch.GetTimestamp();
            if (!_paused && (refreshDue || now >= nextRefresh))
            {
                dirty |= Refresh(cancellationToken);
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
        var state = new LiveScreenState
        {
            NowUtc = now,
            Zone = _time.LocalTimeZone,
            Paused = _paused,
            FilterText = _options.FilterText,
            Failure = _failure,
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

    private static LiveCommand Command(ConsoleKeyInfo key)
    {
        if (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control))
        {
            return LiveCommand.Quit;
        }

        return key.Key switch
        {
            ConsoleKey.Escape or ConsoleKey.Q => LiveCommand.Quit,
            ConsoleKey.T => LiveCommand.CycleWindow,
            ConsoleKey.P => LiveCommand.Pause,
            _ => char.ToLowerInvariant(key.KeyChar) switch
            {
                'q' => LiveCommand.Quit,
                't' => LiveCommand.CycleWindow,
                'p' => LiveCommand.Pause,
                _ => LiveCommand.None,
            },
        };
    }
}
