// The live screen drawn to a fixed-size test console: every figure that matters is on it, at 80x24 and 160x48, in
// exactly the console's lines and columns, legible without colour or Unicode.
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Testing;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Tests.Usage;

namespace Tokentap.Engine.Tests.Live;

public sealed partial class SnapshotRendererTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly ManualTimeProvider _clock = new(LiveEvents.Now, LiveEvents.Zone);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void At_80x24_the_key_figures_fit()
    {
        var lines = Render(Snapshot(TokenUsageWindow.LastHour), 80, 24);

        Assert.Equal(24, lines.Length);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"line too long: {l}"));
        Assert.StartsWith("Tokentap  1h from 13:35  proxy not running", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("? help  t window  q quit  14:34", lines[0], StringComparison.Ordinal);
        Assert.Equal("Requests 6  Errors 1 (16.7%)  Cost $0.106  Burn $0.104/h 328 tok/min", lines[1].TrimEnd());
        Assert.Equal("Tokens 27.8k  in 3,160  cache read 22.0k  write 900  out 1,705  cache hit 84.4%", lines[2].TrimEnd());
        Assert.StartsWith("$/1m ", lines[3], StringComparison.Ordinal);
        Assert.EndsWith("max $0.050", lines[3].TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(Words("Model Req Err In CacheR CacheW Out Tokens Hit Cost Share"), Words(lines[4]));
        Assert.Equal(Words("claude-sonnet-4-5 3 0 1,150 21.0k 900 1,000 24.1k 91.1% ~$0.086 81.1%"), Words(lines[5]));
        Assert.Equal(Words("gpt-5 1 0 2,000 1,000 0 700 3,700 33.3% $0.020 18.9%"), Words(lines[6]));
        Assert.Equal(Words("mystery-model 1 0 10 0 0 5 15 0% ? 0%"), Words(lines[7]));
        // The fourth model takes a line the six latest requests leave blank.
        Assert.Equal(Words("claude-haiku-4-5 1 1 0 0 0 0 0 0% $0 0%"), Words(lines[8]));
        Assert.Equal(Words("Time App Model In CacheR CacheW Out Cost Dur St"), Words(lines[9]));
        Assert.Equal(Words("14:32 claude-code claude-sonnet-4-5 1,000 0 0 200 ~$0.0060 1.0s 200"), Words(lines[10]));
        Assert.Equal(Words("14:29 claude-code claude-haiku-4-5 0 0 0 0 $0 1.0s 429"), Words(lines[12]));
        Assert.Equal(Words("13:44 claude-code claude-sonnet-4-5 100 9,000 900 500 $0.050 1.0s 200"), Words(lines[15]));
        Assert.Equal("Limits 5h ████░░░░░░ 42% resets 17:00   7d █░░░░░░░░░ 11% resets Sat 02:00", lines[20].TrimEnd());
        Assert.Equal("Context ░░░░░░░░░░ 0.5% 1,000/200k  cs-1 claude-code claude-sonnet-4-5", lines[21].TrimEnd());
        Assert.Equal("Context 10 tokens (window unknown)  s-x curl mystery-model", lines[22].TrimEnd());
        Assert.StartsWith("⚠ 1 failed request (16.7%); last 14:29 claude-code 429: rate limited", lines[23], StringComparison.Ordinal);
    }

    [Fact]
    public void At_160x48_more_columns_rows_and_a_taller_sparkline_show()
    {
        var lines = Render(Snapshot(TokenUsageWindow.LastHour), 160, 48);

        Assert.Equal(48, lines.Length);
        Assert.All(lines, l => Assert.True(l.Length <= 160, $"line too long: {l}"));
        Assert.EndsWith("? help  t window  q quit  14:34", lines[0], StringComparison.Ordinal);
        Assert.Contains("max $0.050", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("$/1m ", lines[5], StringComparison.Ordinal);
        Assert.Equal(Words("Model Provider Req Err In CacheR CacheW Out Tokens Hit Cost Share"), Words(lines[6]));
        Assert.Equal(Words("claude-haiku-4-5 anthropic 1 1 0 0 0 0 0 0% $0 0%"), Words(lines[10]));
        Assert.Equal(Words("14:32:30 claude-code claude-sonnet-4-5 1,000 0 0 200 ~$0.0060 1.0s 200"), Words(lines[12]));
        Assert.Equal(Words("13:44:30 claude-code claude-sonnet-4-5 100 9,000 900 500 $0.050 1.0s 200"), Words(lines[17]));
        Assert.Contains(lines, l => l.StartsWith("Context ░░░░░░░░░░░░░░░░░░░░ 0.8% 3,000/400k  run-1 codex gpt-5", StringComparison.Ordinal));
        Assert.StartsWith("⚠ 1 failed request (16.7%); last 14:29 claude-code 429: rate limited · 1 request with unknown price (mystery-model): not in the cost · 1 req", lines[47], StringComparison.Ordinal);
        Assert.Equal(160, lines[47].Length);
        Assert.EndsWith("…", lines[47], StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_window_says_so_and_the_proxy_state_and_filter_show_in_the_header()
    {
        var snapshot = Snapshot(TokenUsageWindow.LastHour) is var s ? new TokenUsageSnapshot
        {
            Time = s.Time,
            Window = TokenUsageWindow.Today,
            WindowStart = new DateTime(2026, 3, 9, 22, 0, 0, DateTimeKind.Utc),
            ProxyState = TokentapProxyState.RunningElsewhere,
            ProxyPort = 8081,
            ProxyProcessId = 4242,
            SeriesInterval = TimeSpan.FromHours(1),
        } : null!;
        var state = new LiveScreenState { NowUtc = LiveEvents.Now, Zone = LiveEvents.Zone, Paused = true, FilterText = "app=claude-*", Failure = "Reading the store failed: busy" };

        var lines = Render(snapshot, 100, 20, state);

        Assert.StartsWith("Tokentap   PAUSED   today from 00:00  proxy :8081 (pid 4242)  app=claude-*", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("? help  14:34", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("No requests in this window.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Waiting for requests…", StringComparison.Ordinal));
        Assert.StartsWith("⚠ Reading the store failed: busy", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_colour_or_unicode_the_screen_is_plain_text_with_the_same_meaning()
    {
        var snapshot = Snapshot(TokenUsageWindow.LastHour);
        var console = new TestConsole().Width(80).Height(24);
        console.EmitAnsiSequences = true;
        console.Profile.Capabilities.Ansi = true;
        console.Profile.Capabilities.ColorSystem = ColorSystem.NoColors;

        console.Write(SnapshotRenderer.Render(snapshot, State(), 80, 24, unicode: false));

        Assert.DoesNotMatch(Colours(), console.Output);
        var text = Sequences().Replace(console.Output, "");
        Assert.Contains("~$0.0060", text, StringComparison.Ordinal);
        Assert.Contains(" 429", text, StringComparison.Ordinal);
        Assert.Contains("Limits 5h ####...... 42% resets 17:00", text, StringComparison.Ordinal);
        Assert.Contains("! 1 failed request (16.7%)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("█", text, StringComparison.Ordinal);
        Assert.DoesNotContain("⚠", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Small_terminals_keep_the_header_kpis_and_warnings()
    {
        var snapshot = Snapshot(TokenUsageWindow.LastHour);
        foreach (var (width, height) in new[] { (40, 6), (20, 1), (60, 12) })
        {
            var lines = Render(snapshot, width, height);

            Assert.Equal(height, lines.Length);
            Assert.StartsWith("Tokentap", lines[0], StringComparison.Ordinal);
            if (height >= 6)
            {
                Assert.StartsWith("Requests 6", lines[1], StringComparison.Ordinal);
                Assert.StartsWith("⚠", lines[^1], StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void An_anomaly_gets_a_line_above_the_warnings()
    {
        var snapshot = Snapshot(TokenUsageWindow.LastHour);
        var withAnomaly = new TokenUsageSnapshot
        {
            Time = snapshot.Time, Window = snapshot.Window, WindowStart = snapshot.WindowStart, Requests = snapshot.Requests, Errors = snapshot.Errors,
            Models = snapshot.Models, RecentRequests = snapshot.RecentRequests, Warnings = snapshot.Warnings,
            Anomalies =
            [
                new TokenUsageAnomaly
                {
                    Kind = TokenUsageAnomalyKind.CacheBreak, Session = "3f0c1e9a-5a1b-4c55-9e4b-1d2f3a4b5c6d", App = "claude-code", Start = LiveEvents.Now.AddMinutes(-4),
                    End = LiveEvents.Now.AddMinutes(-4), Count = 1, ExtraTokens = 22_000, ExtraCost = 0.1265m, Detail = "cache reads fell from 21,000 to 0 tokens",
                },
            ],
        };

        var lines = Render(withAnomaly, 100, 24);

        Assert.Equal("Anomaly CacheBreak 14:30 claude-code 3f0c1e9a… +$0.127  cache reads fell from 21,000 to 0 tokens", lines[22].TrimEnd());
        Assert.StartsWith("⚠ 1 failed request", lines[23], StringComparison.Ordinal);
    }

    [Fact]
    public void A_demo_store_says_demo_data_where_the_proxy_state_stands()
    {
        var snapshot = Snapshot(TokenUsageWindow.LastHour, demo: true);
        var lines = Render(snapshot, 80, 24);

        Assert.True(snapshot.Demo);
        Assert.StartsWith("Tokentap  1h from 13:35   DEMO DATA ", lines[0], StringComparison.Ordinal);
    }

    private TokenUsageSnapshot Snapshot(TokenUsageWindow window, bool demo = false)
    {
        _temp.Store.Write(LiveEvents.All);
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), new TokentapPaths(_temp.Folder), new SnapshotOptions { Window = window, Demo = demo }, _clock);
        builder.Refresh();
        return builder.Snapshot;
    }

    private LiveScreenState State() => new() { NowUtc = _clock.UtcNow, Zone = LiveEvents.Zone };

    private string[] Render(TokenUsageSnapshot snapshot, int width, int height, LiveScreenState? state = null)
    {
        var console = new TestConsole().Width(width).Height(height);
        console.Write(SnapshotRenderer.Render(snapshot, state ?? State(), width, height));
        return console.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex("\u001b\\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Sequences();

    [GeneratedRegex("\u001b\\[([0-9;]*;)?(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9]+)*m")]
    private static partial Regex Colours();
}
