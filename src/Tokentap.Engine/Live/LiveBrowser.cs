// Where the user is in the live view: the screen, the selected row, sort column, text filter, help, and the way back.
namespace Tokentap.Engine.Live;

/// <summary>
/// Turns keys into navigation. Number keys 1 to 5 (or Tab) pick the overview, providers, apps, projects or sessions;
/// arrows or j/k move the selection; Enter drills down (a provider, app or project to its sessions, a session to its
/// requests); Esc goes back (clears a filter first) and quits from the overview; / types a text filter (Enter keeps
/// it, Esc drops the typing); s cycles the sort column; ? shows the keys. t, p and q are the view's own commands.
/// </summary>
internal sealed class LiveBrowser
{
    private static readonly LiveViewKind[] TopViews = [LiveViewKind.Overview, LiveViewKind.Providers, LiveViewKind.Apps, LiveViewKind.Projects, LiveViewKind.Sessions];
    private readonly Stack<Place> _back = new();
    private Place _here = new(LiveViewKind.Overview, null, null, 0, 0, null);

    /// <summary>One screen with its selection, sort and filter, kept so Esc returns to it as it was.</summary>
    private sealed record Place(LiveViewKind View, (LiveViewKind Kind, string Key)? Within, string? Session, int Selected, int Sort, string? Filter);

    public LiveViewKind View => _here.View;

    /// <summary>For a provider's, app's or project's sessions: which one.</summary>
    public (LiveViewKind Kind, string Key)? Within => _here.Within;

    /// <summary>The session the detail screen shows.</summary>
    public string? Session => _here.Session;

    public int Selected => _here.Selected;

    public int Sort => _here.Sort;

    /// <summary>The text filter in force, or null.</summary>
    public string? Filter => _here.Filter;

    /// <summary>The filter being typed after /, or null when not typing.</summary>
    public string? Typing { get; private set; }

    public bool Help { get; private set; }

    /// <summary>The keys of the rows on screen in their order (set after each arrangement), for the selection and Enter.</summary>
    public IReadOnlyList<string> Shown { get; set; } = [];

    /// <summary>What a key asks for; <see cref="LiveCommand.None"/> when it changed nothing.</summary>
    public LiveCommand Handle(ConsoleKeyInfo key)
    {
        if (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control))
        {
            return LiveCommand.Quit;
        }

        if (Typing is { } typing)
        {
            return Type(key, typing);
        }

        var c = CharOf(key);
        if (Help)
        {
            Help = false;
            return c is 'q' or 'Q' ? LiveCommand.Quit : LiveCommand.Navigate;
        }

        switch (key.Key)
        {
            case ConsoleKey.Escape:
                return Back();
            case ConsoleKey.Enter:
                return DrillDown();
            case ConsoleKey.UpArrow:
                return Move(-1);
            case ConsoleKey.DownArrow:
                return Move(1);
            case ConsoleKey.Tab:
                return Go(TopViews[(Array.IndexOf(TopViews, _back.Count > 0 ? _back.Last().View : View) + 1) % TopViews.Length]);
        }

        return char.ToLowerInvariant(c) switch
        {
            'q' => LiveCommand.Quit,
            't' => LiveCommand.CycleWindow,
            'p' => LiveCommand.Pause,
            'j' => Move(1),
            'k' => Move(-1),
            's' => Set(_here with { Sort = _here.Sort + 1, Selected = 0 }),
            '?' => SetHelp(),
            '/' => StartTyping(),
            >= '1' and <= '5' => Go(TopViews[c - '1']),
            _ => LiveCommand.None,
        };
    }

    /// <summary>The key's character; from the key itself when the terminal sent none (letters and digits).</summary>
    private static char CharOf(ConsoleKeyInfo key) => key.KeyChar != '\0' ? key.KeyChar : key.Key switch
    {
        >= ConsoleKey.A and <= ConsoleKey.Z => (char)('a' + (key.Key - ConsoleKey.A)),
        >= ConsoleKey.D0 and <= ConsoleKey.D9 => (char)('0' + (key.Key - ConsoleKey.D0)),
        _ => '\0',
    };

    private LiveCommand Type(ConsoleKeyInfo key, string typing)
    {
        switch (key.Key)
        {
            case ConsoleKey.Escape:
                Typing = null;
                return LiveCommand.Navigate;
            case ConsoleKey.Enter:
                Typing = null;
                return Set(_here with { Filter = typing.Length == 0 ? null : typing, Selected = 0 });
            case ConsoleKey.Backspace:
                Typing = typing.Length == 0 ? typing : typing[..^1];
                return LiveCommand.Navigate;
        }

        if (char.IsControl(key.KeyChar) || key.KeyChar == '\0')
        {
            return LiveCommand.None;
        }

        Typing = typing + key.KeyChar;
        return LiveCommand.Navigate;
    }

    private LiveCommand Back()
    {
        if (Filter is not null)
        {
            return Set(_here with { Filter = null, Selected = 0 });
        }

        if (_back.TryPop(out var previous))
        {
            return Set(previous);
        }

        return View == LiveViewKind.Overview ? LiveCommand.Quit : Go(LiveViewKind.Overview);
    }

    private LiveCommand DrillDown()
    {
        if (Selected >= Shown.Count)
        {
            return LiveCommand.None;
        }

        var key = Shown[Selected];
        Place? next = View switch
        {
            LiveViewKind.Providers or LiveViewKind.Apps or LiveViewKind.Projects => new Place(LiveViewKind.Sessions, (View, key), null, 0, 0, null),
            LiveViewKind.Sessions => new Place(LiveViewKind.SessionDetail, Within, key, 0, 0, null),
            _ => null,
        };
        if (next is null)
        {
            return LiveCommand.None;
        }

        _back.Push(_here);
        return Set(next);
    }

    private LiveCommand Move(int by)
    {
        var selected = Math.Clamp(Selected + by, 0, Math.Max(Shown.Count - 1, 0));
        return selected == Selected ? LiveCommand.None : Set(_here with { Selected = selected });
    }

    private LiveCommand Go(LiveViewKind view)
    {
        _back.Clear();
        return Set(new Place(view, null, null, 0, 0, null));
    }

    private LiveCommand SetHelp()
    {
        Help = true;
        return LiveCommand.Navigate;
    }

    private LiveCommand StartTyping()
    {
        Typing = Filter ?? "";
        return LiveCommand.Navigate;
    }

    private LiveCommand Set(Place place)
    {
        _here = place;
        return LiveCommand.Navigate;
    }
}
