// The live view's breakdown screens (providers, apps, projects, sessions), a session's requests and the keys, drawn
// from a seeded store at 80x24 and 160x48 with every figure checked.
using Spectre.Console.Testing;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Tests.Usage;

namespace Tokentap.Engine.Tests.Live;

public sealed class BrowseRendererTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly ManualTimeProvider _clock = new(LiveEvents.Now, LiveEvents.Zone);

    public void Dispose() => _temp.Dispose();

    public static TheoryData<int, int> Sizes => new() { { 80, 24 }, { 160, 48 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Providers_show_spend_requests_tokens_cache_hit_and_trend(int width, int height)
    {
        var lines = Screen(LiveViewKind.Providers, width, height);

        AssertFrame(lines, width, height);
        Assert.StartsWith("Providers  2 shown  sort cost", lines[3], StringComparison.Ordinal);
        Assert.EndsWith("Enter open  s sort  / filter  Esc back", lines[3], StringComparison.Ordinal);
        Assert.Equal(Words("Provider Req Err Tokens Hit Cost Trend"), Words(lines[4]));
        Assert.Equal(Words("anthropic 4 1 24.1k 91.1% ~$0.086 █ ▅ ▁"), Words(lines[5]));
        Assert.Equal(Words("openai 2 0 3,715 33.2% $0.020+? █"), Words(lines[6]));
        Assert.True(string.IsNullOrWhiteSpace(lines[7]));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Apps_and_projects_add_up_their_own_requests(int width, int height)
    {
        var apps = Screen(LiveViewKind.Apps, width, height);
        var projects = Screen(LiveViewKind.Projects, width, height);

        AssertFrame(apps, width, height);
        AssertFrame(projects, width, height);
        Assert.StartsWith("Apps  3 shown  sort cost", apps[3], StringComparison.Ordinal);
        Assert.Equal(Words("App Req Err Tokens Hit Cost Trend"), Words(apps[4]));
        Assert.Equal(Words("claude-code 4 1 24.1k 91.1% ~$0.086 █ ▅ ▁"), Words(apps[5]));
        Assert.Equal(Words("codex 1 0 3,700 33.3% $0.020 █"), Words(apps[6]));
        Assert.Equal(Words("curl 1 0 15 0% ? █"), Words(apps[7]));
        Assert.StartsWith("Projects  3 shown  sort cost", projects[3], StringComparison.Ordinal);
        Assert.Equal(Words("/src/app 3 0 24.1k 91.1% ~$0.086 █ ▅ ▁"), Words(projects[5]));
        Assert.Equal(Words("/src/api 1 0 3,700 33.3% $0.020 █"), Words(projects[6]));
        Assert.Equal(Words("(no project) 2 1 15 0% $0+? █"), Words(projects[7]));
    }

    [Theory]
    [InlineData(80, 24, "Session App Last Req Err Tokens Hit Cost Trend", "cs-1 claude-code 14:32 3 0 24.1k 91.1% ~$0.086 █ ▅ ▁", "cs-2 claude-code 14:29 1 1 0 0% $0")]
    [InlineData(160, 48, "Session App Model Last Req Err Tokens Hit Cost Trend", "cs-1 claude-code claude-sonnet-4-5 14:32 3 0 24.1k 91.1% ~$0.086 █ ▅ ▁", "cs-2 claude-code claude-haiku-4-5 14:29 1 1 0 0% $0")]
    public void Sessions_follow_the_client_session_id_else_the_tokentap_session(int width, int height, string header, string first, string last)
    {
        var lines = Screen(LiveViewKind.Sessions, width, height);

        AssertFrame(lines, width, height);
        Assert.StartsWith("Sessions  4 shown  sort cost", lines[3], StringComparison.Ordinal);
        Assert.Equal(Words(header), Words(lines[4]));
        Assert.Equal(Words(first), Words(lines[5]));
        Assert.Equal("run-1", Words(lines[6])[0]);
        Assert.Equal("s-x", Words(lines[7])[0]);
        Assert.Equal(Words(last), Words(lines[8]));
    }

    [Theory]
    [InlineData(80, 24, "14:32", 1)]
    [InlineData(160, 48, "14:32:30", 3)]
    public void A_session_shows_its_requests_and_its_context_over_time(int width, int height, string newest, int sparkLines)
    {
        var lines = Screen(LiveViewKind.SessionDetail, width, height);

        AssertFrame(lines, width, height);
        Assert.StartsWith("Session cs-1  claude-code  claude-sonnet-4-5  3 requests  ~$0.086  cache hit 91", lines[1], StringComparison.Ordinal);
        Assert.Equal("Context " + new string('░', width >= 100 ? 20 : 10) + " 0.5% 1,000/200k after the newest request", lines[2].TrimEnd());
        Assert.StartsWith("Requests of session cs-1  3 shown  sort time", lines[3], StringComparison.Ordinal);
        // Contexts 10,000, 12,050 and 1,000 tokens, oldest first, two columns each; the top line carries the maximum.
        Assert.EndsWith(" max 12.1k", lines[4].TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith("ctx/req ", lines[3 + sparkLines], StringComparison.Ordinal);
        Assert.Equal(Words("Time Model In CacheR CacheW Out Context Cost Dur St"), Words(lines[4 + sparkLines]));
        Assert.Equal(Words($"{newest} claude-sonnet-4-5 1,000 0 0 200 1,000 ~$0.0060 1.0s 200"), Words(lines[5 + sparkLines]));
        Assert.Equal(Words("claude-sonnet-4-5 50 12.0k 0 300 12.1k $0.030 1.0s 200"), Words(lines[6 + sparkLines])[1..]);
        Assert.Equal(Words("claude-sonnet-4-5 100 9,000 900 500 10.0k $0.050 1.0s 200"), Words(lines[7 + sparkLines])[1..]);
    }

    [Fact]
    public void The_context_sparkline_rises_and_falls_with_each_request()
    {
        var lines = Screen(LiveViewKind.SessionDetail, 80, 24);

        // 10,000 / 12,050 of one line (8 eighths): 6.6 -> ▇; 12,050 -> █; 1,000 -> 0.66 -> the lowest mark ▁.
        Assert.Equal("ctx/req ▇▇██▁▁ max 12.1k", lines[4].TrimEnd());
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_help_lists_every_key_and_fits(int width, int height)
    {
        var lines = Screen(LiveViewKind.Sessions, width, height, help: true);

        AssertFrame(lines, width, height);
        Assert.Equal(BrowseRenderer.HelpLines, lines[3..(3 + BrowseRenderer.HelpLines.Length)].Select(l => l.TrimEnd()));
        foreach (var key in new[] { "1 2 3 4 5", "Up Down j k", "Enter", "Esc", "/", "s ", "t ", "p ", "q Ctrl+C" })
        {
            Assert.Contains(lines, l => l.StartsWith("  " + key, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Drilling_into_an_app_shows_only_its_sessions()
    {
        var lines = Screen(LiveViewKind.Sessions, 80, 24, within: (LiveViewKind.Apps, "claude-code"));

        Assert.StartsWith("Sessions of app claude-code  2 shown  sort cost", lines[3], StringComparison.Ordinal);
        Assert.Equal(["cs-1", "cs-2"], new[] { Words(lines[5])[0], Words(lines[6])[0] });
        Assert.True(string.IsNullOrWhiteSpace(lines[7]));
    }

    [Fact]
    public void Sort_and_text_filter_arrange_the_rows()
    {
        var byLast = Screen(LiveViewKind.Sessions, 80, 24, sort: 5);
        var filtered = Screen(LiveViewKind.Sessions, 80, 24, filter: "CS-");
        var none = Screen(LiveViewKind.Providers, 80, 24, filter: "nothing-like-this");

        Assert.StartsWith("Sessions  4 shown  sort last", byLast[3], StringComparison.Ordinal);
        Assert.Equal(["cs-1", "s-x", "cs-2", "run-1"], byLast[5..9].Select(l => Words(l)[0]));
        Assert.StartsWith("Sessions  2 shown  sort cost  filter /CS-", filtered[3], StringComparison.Ordinal);
        Assert.Equal(["cs-1", "cs-2"], filtered[5..7].Select(l => Words(l)[0]));
        Assert.Equal("Nothing matches the filter.", none[5].TrimEnd());
    }

    [Fact]
    public void On_the_overview_the_text_filter_narrows_the_models_and_latest_requests_not_the_totals()
    {
        var lines = Screen(LiveViewKind.Overview, 80, 24, filter: "gpt");

        Assert.StartsWith("Tokentap  1h from 13:35  proxy not running  /gpt", lines[0], StringComparison.Ordinal);
        Assert.Equal("Requests 6  Errors 1 (16.7%)  Cost $0.106  Burn $0.104/h 328 tok/min", lines[1].TrimEnd());
        var models = Array.FindIndex(lines, l => l.StartsWith("Model ", StringComparison.Ordinal));
        Assert.Equal(Words("gpt-5 openai 1 0 2,000 1,000 0 700 3,700 33.3% $0.020 18.9%"), Words(lines[models + 1]));
        var recent = Array.FindIndex(lines, l => l.StartsWith("Time ", StringComparison.Ordinal));
        Assert.Equal(recent, models + 2);
        Assert.Equal(Words("14:24 codex gpt-5 2,000 1,000 0 700 $0.020 1.0s 200"), Words(lines[recent + 1]));
        Assert.True(string.IsNullOrWhiteSpace(lines[recent + 2]));
    }

    [Fact]
    public void The_table_scrolls_to_keep_the_selection_on_screen()
    {
        // 9 lines: header, two KPI lines, title, table header and three rows, warnings.
        var lines = Screen(LiveViewKind.Sessions, 80, 9, selected: 3);

        AssertFrame(lines, 80, 9);
        Assert.Equal(["run-1", "s-x", "cs-2"], lines[5..8].Select(l => Words(l)[0]));
    }

    private string[] Screen(LiveViewKind view, int width, int height, int selected = 0, int sort = 0, string? filter = null, bool help = false, (LiveViewKind, string)? within = null)
    {
        var events = LiveEvents.All.Select(WithProject).ToArray();
        _temp.Store.Write(events);
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), new TokentapPaths(_temp.Folder), new SnapshotOptions { Window = TokenUsageWindow.LastHour }, _clock);
        builder.Refresh();
        var span = builder.LoadedSpan!.Value;
        var inWindow = builder.WindowEvents().ToList();
        var state = new LiveScreenState
        {
            NowUtc = LiveEvents.Now,
            Zone = LiveEvents.Zone,
            View = view,
            Within = within,
            Selected = selected,
            TextFilter = filter,
            Help = help,
            Sort = view == LiveViewKind.SessionDetail ? LiveGroups.DetailSorts[sort] : LiveGroups.GroupSorts[sort],
            Rows = view is LiveViewKind.SessionDetail or LiveViewKind.Overview ? [] : LiveGroups.Arrange(LiveGroups.Build(inWindow, view, span.StartTicks, span.StepTicks, span.Steps, within), sort, filter),
            Detail = view == LiveViewKind.SessionDetail ? LiveGroups.Detail(inWindow, "cs-1", PriceTable.Embedded(), sort, filter) : null,
        };
        var console = new TestConsole().Width(width).Height(height);
        console.Write(SnapshotRenderer.Render(builder.Snapshot, state, width, height));
        return console.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    private static void AssertFrame(string[] lines, int width, int height)
    {
        Assert.Equal(height, lines.Length);
        Assert.All(lines, l => Assert.True(l.Length <= width, $"line too long: {l}"));
        Assert.EndsWith("? help  t window  q quit  14:34", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("⚠ 1 failed request (16.7%); last 14:29 claude-code 429: rate limited", lines[^1], StringComparison.Ordinal);
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Claude Code's Sonnet calls in /src/app, Codex's in /src/api, the rest without a project.</summary>
    private static UsageEvent WithProject(UsageEvent e)
    {
        e.Project = e.App == "claude-code" && e.Model == "claude-sonnet-4-5" ? "/src/app" : e.App == "codex" ? "/src/api" : null;
        return e;
    }
}
