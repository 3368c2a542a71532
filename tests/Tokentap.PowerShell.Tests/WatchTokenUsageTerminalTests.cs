// Watch-TokenUsage in a real terminal (tmux) in the real pwsh: the screen, a request stored by another process
// showing within a second, the keys that move between screens at 80x24, and q, Esc or Ctrl+C leaving the terminal as
// it was (main screen back, cursor shown).
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed partial class WatchTokenUsageTerminalTests(ModuleFixture module, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(20);
    private readonly string _home = Directory.CreateTempSubdirectory("tt-watch-terminal-").FullName;
    private readonly DateTime _now = DateTime.UtcNow;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void A_new_request_shows_within_a_second_and_q_restores_the_terminal()
    {
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), [Event("first-agent", 0.0123m)]);
        using var tmux = Start(noColor: true);
        tmux.WaitForScreen(s => s.Contains("first-agent", StringComparison.Ordinal), Startup);
        Assert.Equal("1", tmux.Flag("alternate_on"));
        Assert.Equal("0", tmux.Flag("cursor_flag"));
        Assert.Contains("Requests 1 ", tmux.Capture(), StringComparison.Ordinal);
        Assert.DoesNotMatch(Colours(), tmux.Capture(escapes: true));

        // Stored by another process, as a proxy in another shell would.
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), [Event("tmux-probe", 0.5m)]);
        var shown = tmux.WaitForScreen(s => s.Contains("tmux-probe", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        output.WriteLine($"The new request showed {shown.TotalMilliseconds:0} ms after the other process stored it.");
        Assert.True(shown < TimeSpan.FromSeconds(1), $"the new request took {shown.TotalMilliseconds:0} ms to show");
        Assert.Contains("Requests 2 ", tmux.Capture(), StringComparison.Ordinal);

        tmux.SendKeys("q");

        AssertRestored(tmux, exitCode: 0);
    }

    [Fact]
    public void Ctrl_c_stops_the_view_and_restores_the_terminal()
    {
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), [Event("first-agent", 0.0123m)]);
        using var tmux = Start(noColor: false);
        tmux.WaitForScreen(s => s.Contains("first-agent", StringComparison.Ordinal), Startup);
        Assert.Matches(Colours(), tmux.Capture(escapes: true));

        tmux.SendKeys("C-c");

        // pwsh -Command exits with 1 when Ctrl+C stopped its pipeline.
        AssertRestored(tmux, exitCode: 1);
    }

    [Fact]
    public void At_80x24_the_keys_reach_every_screen_and_esc_walks_back_out()
    {
        TestPrograms.Seed(Path.Combine(_home, "usage.db"),
        [
            Tagged(Event("claude-code", 0.40m), "alpha-session", "/src/alpha"),
            Tagged(Event("claude-code", 0.30m), "alpha-session", "/src/alpha"),
            Tagged(Event("codex", 0.05m), "beta-session", "/src/beta", "openai", "gpt-5"),
        ]);
        using var tmux = Start(noColor: true, width: 80, height: 24);
        tmux.WaitForScreen(s => s.Contains("Requests 3 ", StringComparison.Ordinal), Startup);
        var wait = TimeSpan.FromSeconds(5);

        tmux.SendKeys("?");
        tmux.WaitForScreen(s => s.Contains("Any key closes this help.", StringComparison.Ordinal) && s.Contains("  /           filter rows by text", StringComparison.Ordinal), wait);
        tmux.SendKeys("x");
        tmux.WaitForScreen(s => s.Contains("Model ", StringComparison.Ordinal) && !s.Contains("Any key", StringComparison.Ordinal), wait);

        tmux.SendKeys("2");
        tmux.WaitForScreen(s => s.Contains("Providers  2 shown  sort cost", StringComparison.Ordinal) && Row(s, "anthropic 2 0 8,400 97.1% $0.700"), wait);
        tmux.SendKeys("3");
        tmux.WaitForScreen(s => s.Contains("Apps  2 shown", StringComparison.Ordinal) && Row(s, "codex 1 0 4,200 97.1% $0.050"), wait);
        tmux.SendKeys("4");
        tmux.WaitForScreen(s => s.Contains("Projects  2 shown", StringComparison.Ordinal) && Row(s, "/src/alpha 2 0 8,400 97.1% $0.700"), wait);

        tmux.SendKeys("5");
        tmux.WaitForScreen(s => s.Contains("Sessions  2 shown  sort cost", StringComparison.Ordinal), wait);
        tmux.SendKeys("s");
        tmux.WaitForScreen(s => s.Contains("Sessions  2 shown  sort requests", StringComparison.Ordinal), wait);
        tmux.SendKeys("j");
        tmux.SendKeys("Enter");
        tmux.WaitForScreen(s => s.Contains("Requests of session beta-session  1 shown", StringComparison.Ordinal) && s.Contains("Session beta-session  codex  gpt-5  1 requests", StringComparison.Ordinal), wait);
        tmux.SendKeys("Escape");
        tmux.WaitForScreen(s => s.Contains("Sessions  2 shown  sort requests", StringComparison.Ordinal), wait);

        tmux.SendKeys("/");
        foreach (var key in new[] { "a", "l", "p" })
        {
            tmux.SendKeys(key);
        }

        tmux.WaitForScreen(s => s.Contains("filter /alp_", StringComparison.Ordinal), wait);
        tmux.SendKeys("Enter");
        tmux.WaitForScreen(s => s.Contains("Sessions  1 shown  sort requests  filter /alp", StringComparison.Ordinal) && !s.Contains("beta-session", StringComparison.Ordinal), wait);

        tmux.SendKeys("t");
        tmux.WaitForScreen(s => s.Contains("today from ", StringComparison.Ordinal), wait);

        // Esc: the filter, then the sessions screen, then the overview quits.
        tmux.SendKeys("Escape");
        tmux.WaitForScreen(s => s.Contains("Sessions  2 shown", StringComparison.Ordinal), wait);
        tmux.SendKeys("Escape");
        tmux.WaitForScreen(s => s.Contains("Model ", StringComparison.Ordinal) && s.Contains("Requests 3 ", StringComparison.Ordinal), wait);
        tmux.SendKeys("Escape");

        AssertRestored(tmux, exitCode: 0);
    }

    private static UsageEvent Tagged(UsageEvent e, string session, string project, string? provider = null, string? model = null)
    {
        e.ClientSessionId = session;
        e.Project = project;
        e.Provider = provider ?? e.Provider;
        e.Model = model ?? e.Model;
        return e;
    }

    private static bool Row(string screen, string words) =>
        screen.Split('\n').Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(words.Split(' ').Length).SequenceEqual(words.Split(' ')));

    private TmuxSession Start(bool noColor, int width = 100, int height = 30)
    {
        var command = $"'{TestPrograms.Pwsh}' -NoLogo -NoProfile -Command \"Import-Module '{module.ManifestPath}'; Watch-TokenUsage -Window 1h -RefreshSeconds 0.5\"; echo HOST-EXIT-$?; sleep 60";
        var environment = new Dictionary<string, string> { ["TOKENTAP_HOME"] = _home };
        if (noColor)
        {
            environment["NO_COLOR"] = "1";
        }

        return new TmuxSession(width, height, command, environment);
    }

    private static void AssertRestored(TmuxSession tmux, int exitCode)
    {
        var screen = "";
        tmux.WaitForScreen(s => (screen = s).Contains("HOST-EXIT-", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains($"HOST-EXIT-{exitCode}", screen, StringComparison.Ordinal);
        Assert.Equal("0", tmux.Flag("alternate_on"));
        Assert.Equal("1", tmux.Flag("cursor_flag"));
        // The view lived only on the alternate screen: the shell's screen holds none of it.
        Assert.DoesNotContain("Requests", screen, StringComparison.Ordinal);
    }

    private UsageEvent Event(string app, decimal cost) => new()
    {
        Timestamp = _now,
        Provider = "anthropic",
        Host = "api.anthropic.com",
        Endpoint = "messages",
        Model = "claude-sonnet-4-5",
        InputTokens = 120,
        CacheReadTokens = 4000,
        OutputTokens = 80,
        Cost = cost,
        StatusCode = 200,
        DurationMs = 900,
        App = app,
        RequestId = "terminal-" + app + "-" + Guid.NewGuid().ToString("N"),
    };

    [GeneratedRegex("\u001b\\[([0-9;]*;)?(3[0-7]|38|9[0-7])(;[0-9]+)*m")]
    private static partial Regex Colours();
}
