// The live view's loop on a scripted console: keys, one stop path that restores the terminal, redraws only on change
// and at most every 500 ms, pause, window cycling, resize and store failures.
using System.Diagnostics;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Tests.Usage;

namespace Tokentap.Engine.Tests.Live;

public sealed class LiveViewTests : IDisposable
{
    private const string EnterAlternateScreen = "\u001b[?1049h";
    private const string LeaveAlternateScreen = "\u001b[?1049l";
    private const string HideCursor = "\u001b[?25l";
    private const string ShowCursor = "\u001b[?25h";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TempStore _temp = new();
    private readonly ManualTimeProvider _clock = new(LiveEvents.Now, LiveEvents.Zone);

    public void Dispose() => _temp.Dispose();

    public static TheoryData<ConsoleKey, ConsoleModifiers> QuitKeys => new()
    {
        { ConsoleKey.Q, 0 },
        { ConsoleKey.Escape, 0 },
        { ConsoleKey.C, ConsoleModifiers.Control },
    };

    [Theory]
    [MemberData(nameof(QuitKeys))]
    public async Task Quit_keys_leave_through_the_one_path_that_restores_the_terminal(ConsoleKey key, ConsoleModifiers modifiers)
    {
        _temp.Store.Write(LiveEvents.All);
        var console = new ScriptedConsole(80, 24);
        var (view, run) = Start(console);
        WaitUntil(() => view.FramesDrawn == 1);

        console.Press(key, modifiers);

        await run.WaitAsync(Deadline);
        var output = console.Output;
        Assert.StartsWith(EnterAlternateScreen + HideCursor, output, StringComparison.Ordinal);
        Assert.EndsWith(ShowCursor + LeaveAlternateScreen, output, StringComparison.Ordinal);
        Assert.Equal(1, view.FramesDrawn);
    }

    [Fact]
    public async Task Cancelling_the_token_stops_at_once_and_restores_the_terminal()
    {
        var console = new ScriptedConsole(80, 24);
        using var stop = new CancellationTokenSource();
        // The next refresh is ten minutes away: the view ends on the token, not on its next wake-up.
        var (view, run) = Start(console, refresh: TimeSpan.FromMinutes(10), token: stop.Token);
        WaitUntil(() => view.FramesDrawn == 1);

        stop.Cancel();

        await run.WaitAsync(Deadline);
        Assert.EndsWith(ShowCursor + LeaveAlternateScreen, console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_views_refresh_without_redrawing_and_new_requests_redraw()
    {
        _temp.Store.Write(LiveEvents.LastHour);
        var console = new ScriptedConsole(80, 24);
        var (view, run) = Start(console, refresh: TimeSpan.FromMilliseconds(100));
        WaitUntil(() => view.Refreshes >= 10);
        Assert.Equal(1, view.FramesDrawn);

        _temp.Store.Write([LiveEvents.Make(30, 0, "anthropic", "claude-opus-4-1", "new-agent", "cs-9", null, 10, 0, 0, 10, 0.5m)]);
        WaitUntil(() => console.LastScreen.Contains("new-agent", StringComparison.Ordinal));
        WaitUntil(() => view.FramesDrawn >= 2);
        Assert.Equal(2, view.FramesDrawn);
        Assert.Contains("Requests 7", console.LastScreen, StringComparison.Ordinal);

        // A burst of events within one second: screens at most every 500 ms.
        var burst = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            _temp.Store.Write([LiveEvents.Make(40 + i, 0, "openai", "gpt-5", "burst", null, "b", 1, 0, 0, 1, 0.001m)]);
            Thread.Sleep(50);
        }

        var frames = view.FramesDrawn - 2;
        var limit = (int)(burst.ElapsedMilliseconds / 500) + 1;
        Assert.InRange(frames, 1, limit);
        console.Type('q');
        await run.WaitAsync(Deadline);
    }

    [Fact]
    public async Task T_cycles_the_window_and_p_pauses_refreshing()
    {
        _temp.Store.Write(LiveEvents.All);
        var console = new ScriptedConsole(100, 30);
        var (view, run) = Start(console, window: TokenUsageWindow.Last15Minutes, refresh: TimeSpan.FromMilliseconds(100));
        WaitUntil(() => console.LastScreen.Contains("15m from 14:20", StringComparison.Ordinal));
        Assert.Contains("Requests 4 ", console.LastScreen, StringComparison.Ordinal);

        console.Type('t');
        WaitUntil(() => console.LastScreen.Contains("1h from 13:35", StringComparison.Ordinal));
        Assert.Contains("Requests 6 ", console.LastScreen, StringComparison.Ordinal);
        console.Type('t');
        WaitUntil(() => console.LastScreen.Contains("today from 00:00", StringComparison.Ordinal));
        Assert.Contains("Requests 7 ", console.LastScreen, StringComparison.Ordinal);

        console.Type('p');
        WaitUntil(() => console.LastScreen.Contains("PAUSED", StringComparison.Ordinal));
        var refreshes = view.Refreshes;
        _temp.Store.Write([LiveEvents.Make(50, 0, "anthropic", "claude-sonnet-4-5", "while-paused", null, "p", 1, 0, 0, 1, 0.01m)]);
        Thread.Sleep(600);
        Assert.Equal(refreshes, view.Refreshes);
        Assert.DoesNotContain("while-paused", console.LastScreen, StringComparison.Ordinal);

        console.Type('p');
        WaitUntil(() => console.LastScreen.Contains("while-paused", StringComparison.Ordinal));
        Assert.DoesNotContain("PAUSED", console.LastScreen, StringComparison.Ordinal);
        console.Type('q');
        await run.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Keys_walk_from_the_overview_to_a_session_and_back_and_new_requests_reach_the_breakdowns()
    {
        _temp.Store.Write(LiveEvents.All);
        var console = new ScriptedConsole(80, 24);
        var (view, run) = Start(console, refresh: TimeSpan.FromMilliseconds(100));
        WaitUntil(() => view.FramesDrawn == 1);

        console.Type('?');
        WaitUntil(() => console.LastScreen.Contains("Any key closes this help.", StringComparison.Ordinal));
        console.Type('x');
        WaitUntil(() => console.LastScreen.Contains("Requests 6 ", StringComparison.Ordinal) && !console.LastScreen.Contains("Keys", StringComparison.Ordinal));

        console.Type('3');
        WaitUntil(() => console.LastScreen.Contains("Apps  3 shown  sort cost", StringComparison.Ordinal));
        console.Press(ConsoleKey.Enter);
        WaitUntil(() => console.LastScreen.Contains("Sessions of app claude-code  2 shown", StringComparison.Ordinal));
        console.Type('j');
        console.Press(ConsoleKey.Enter);
        WaitUntil(() => console.LastScreen.Contains("Requests of session cs-2  1 shown", StringComparison.Ordinal));
        Assert.Contains("Session cs-2  claude-code  claude-haiku-4-5  1 requests", console.LastScreen, StringComparison.Ordinal);

        console.Press(ConsoleKey.Escape);
        WaitUntil(() => console.LastScreen.Contains("Sessions of app claude-code  2 shown", StringComparison.Ordinal));
        _temp.Store.Write([LiveEvents.Make(60, 0, "anthropic", "claude-opus-4-1", "claude-code", "cs-new", null, 10, 0, 0, 10, 0.5m)]);
        WaitUntil(() => console.LastScreen.Contains("Sessions of app claude-code  3 shown", StringComparison.Ordinal));
        Assert.Contains("cs-new", console.LastScreen, StringComparison.Ordinal);

        console.Type('/');
        foreach (var c in "new")
        {
            console.Type(c);
        }

        console.Press(ConsoleKey.Enter);
        WaitUntil(() => console.LastScreen.Contains("1 shown  sort cost  filter /new", StringComparison.Ordinal));
        console.Press(ConsoleKey.Escape);
        console.Press(ConsoleKey.Escape);
        console.Press(ConsoleKey.Escape);
        WaitUntil(() => console.LastScreen.Contains("Requests 7 ", StringComparison.Ordinal) && console.LastScreen.Contains("Model ", StringComparison.Ordinal));
        Assert.False(run.IsCompleted);
        console.Press(ConsoleKey.Escape);
        await run.WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_resized_terminal_gets_a_new_screen_of_the_new_size()
    {
        _temp.Store.Write(LiveEvents.All);
        var console = new ScriptedConsole(80, 24);
        var (view, run) = Start(console);
        WaitUntil(() => view.FramesDrawn == 1);
        Assert.Equal(24, console.LastScreen.Split('\n').Length);

        console.Profile.Width = 160;
        console.Profile.Height = 48;

        WaitUntil(() => view.FramesDrawn == 2);
        var lines = console.LastScreen.Split('\n');
        Assert.Equal(48, lines.Length);
        Assert.Contains(lines, l => l.Contains("Provider", StringComparison.Ordinal));
        console.Type('q');
        await run.WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_failing_store_is_reported_on_screen_and_the_view_keeps_running()
    {
        _temp.Store.Write(LiveEvents.All);
        var console = new ScriptedConsole(100, 30);
        var (view, run) = Start(console, refresh: TimeSpan.FromMilliseconds(100));
        WaitUntil(() => view.FramesDrawn == 1);

        _temp.Store.Dispose();

        WaitUntil(() => console.LastScreen.Contains("Reading the store failed", StringComparison.Ordinal));
        Assert.Contains("Requests 6 ", console.LastScreen, StringComparison.Ordinal);
        Assert.False(run.IsCompleted);
        console.Type('q');
        await run.WaitAsync(Deadline);
    }

    private (LiveView View, Task Run) Start(ScriptedConsole console, TokenUsageWindow window = TokenUsageWindow.LastHour, TimeSpan? refresh = null, CancellationToken token = default)
    {
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), new TokentapPaths(_temp.Folder), new SnapshotOptions { Window = window }, _clock);
        var view = new LiveView(builder, console, new LiveViewOptions { RefreshInterval = refresh ?? TimeSpan.FromMilliseconds(500) }, _clock);
        var run = Task.Factory.StartNew(() => view.Run(token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return (view, run);
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Deadline, "timed out waiting for the view");
            Thread.Sleep(10);
        }
    }
}
