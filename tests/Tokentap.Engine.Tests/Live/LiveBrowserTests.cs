// The live view's keys: number keys and Tab pick screens, Enter drills down, Esc goes back one step at a time and quits
// from the overview, / types a filter, s sorts, arrows and j/k move, ? shows the help.
using Tokentap.Engine.Live;

namespace Tokentap.Engine.Tests.Live;

public sealed class LiveBrowserTests
{
    private readonly LiveBrowser _browser = new();

    [Fact]
    public void Enter_drills_from_an_app_to_its_sessions_to_a_session_and_esc_walks_back_then_quits()
    {
        Assert.Equal(LiveCommand.Navigate, Key('3'));
        Assert.Equal(LiveViewKind.Apps, _browser.View);
        _browser.Shown = ["codex", "claude-code"];
        Key('j');
        Assert.Equal(LiveCommand.Navigate, Press(ConsoleKey.Enter));
        Assert.Equal((LiveViewKind.Sessions, (LiveViewKind.Apps, "claude-code")), (_browser.View, _browser.Within!.Value));

        _browser.Shown = ["cs-1", "cs-2"];
        Press(ConsoleKey.Enter);
        Assert.Equal((LiveViewKind.SessionDetail, "cs-1"), (_browser.View, _browser.Session));

        Press(ConsoleKey.Escape);
        Assert.Equal((LiveViewKind.Sessions, 0), (_browser.View, _browser.Selected));
        Press(ConsoleKey.Escape);
        Assert.Equal((LiveViewKind.Apps, 1, (ValueTuple<LiveViewKind, string>?)null), (_browser.View, _browser.Selected, _browser.Within));
        Press(ConsoleKey.Escape);
        Assert.Equal(LiveViewKind.Overview, _browser.View);
        Assert.Equal(LiveCommand.Quit, Press(ConsoleKey.Escape));
    }

    [Fact]
    public void Number_keys_and_tab_pick_the_screens()
    {
        var seen = new List<LiveViewKind>();
        for (var i = 0; i < 5; i++)
        {
            Press(ConsoleKey.Tab);
            seen.Add(_browser.View);
        }

        Assert.Equal([LiveViewKind.Providers, LiveViewKind.Apps, LiveViewKind.Projects, LiveViewKind.Sessions, LiveViewKind.Overview], seen);
        Key('5');
        Assert.Equal(LiveViewKind.Sessions, _browser.View);
        Key('1');
        Assert.Equal(LiveViewKind.Overview, _browser.View);
        // Enter on the overview and on a session list with nothing shown does nothing.
        Assert.Equal(LiveCommand.None, Press(ConsoleKey.Enter));
        Key('5');
        Assert.Equal(LiveCommand.None, Press(ConsoleKey.Enter));
    }

    [Fact]
    public void Slash_types_a_filter_that_enter_keeps_and_esc_clears_before_going_back()
    {
        Key('2');
        Key('/');
        foreach (var c in "opx")
        {
            Key(c);
        }

        Assert.Equal("opx", _browser.Typing);
        Press(ConsoleKey.Backspace);
        Key('e');
        Assert.Null(_browser.Filter);
        Press(ConsoleKey.Enter);
        Assert.Equal(("ope", (string?)null), (_browser.Filter, _browser.Typing));

        // While typing, q and t are letters, not commands.
        Key('/');
        Assert.Equal(LiveCommand.Navigate, Key('q'));
        Assert.Equal(LiveCommand.Navigate, Key('t'));
        Press(ConsoleKey.Escape);
        Assert.Equal(("ope", (string?)null), (_browser.Filter, _browser.Typing));

        Press(ConsoleKey.Escape);
        Assert.Equal((LiveViewKind.Providers, (string?)null), (_browser.View, _browser.Filter));
        Press(ConsoleKey.Escape);
        Assert.Equal(LiveViewKind.Overview, _browser.View);
    }

    [Fact]
    public void Arrows_and_j_k_move_within_the_rows_and_s_cycles_the_sort()
    {
        Key('5');
        _browser.Shown = ["a", "b", "c"];
        Press(ConsoleKey.DownArrow);
        Key('j');
        Assert.Equal(LiveCommand.None, Key('j'));
        Assert.Equal(2, _browser.Selected);
        Press(ConsoleKey.UpArrow);
        Key('k');
        Assert.Equal(LiveCommand.None, Press(ConsoleKey.UpArrow));
        Assert.Equal(0, _browser.Selected);

        Key('j');
        Key('s');
        Assert.Equal((1, 0), (_browser.Sort, _browser.Selected));
        for (var i = 0; i < 5; i++)
        {
            Key('s');
        }

        Assert.Equal("cost", LiveGroups.GroupSorts[_browser.Sort % LiveGroups.GroupSorts.Count]);
    }

    [Fact]
    public void Question_mark_shows_the_help_any_key_closes_it_and_t_p_q_ctrl_c_reach_the_view()
    {
        Key('?');
        Assert.True(_browser.Help);
        Assert.Equal(LiveCommand.Navigate, Key('x'));
        Assert.False(_browser.Help);
        Key('?');
        Assert.Equal(LiveCommand.Quit, Key('q'));

        Assert.Equal(LiveCommand.CycleWindow, Key('t'));
        Assert.Equal(LiveCommand.Pause, Key('p'));
        Assert.Equal(LiveCommand.Quit, Key('q'));
        Assert.Equal(LiveCommand.Quit, Press(ConsoleKey.Q));
        Key('/');
        Assert.Equal(LiveCommand.Quit, Press(ConsoleKey.C, ConsoleModifiers.Control));
    }

    private LiveCommand Key(char c) =>
        _browser.Handle(new ConsoleKeyInfo(c, char.IsLetter(c) ? Enum.Parse<ConsoleKey>(char.ToUpperInvariant(c).ToString()) : ConsoleKey.NoName, false, false, false));

    private LiveCommand Press(ConsoleKey key, ConsoleModifiers modifiers = 0) =>
        _browser.Handle(new ConsoleKeyInfo(key == ConsoleKey.C ? '\u0003' : '\0', key, false, false, modifiers.HasFlag(ConsoleModifiers.Control)));
}
