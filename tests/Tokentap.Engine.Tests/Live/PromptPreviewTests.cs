// Watch-TokenUsage's prompt previews: the line under each latest request (and each request of a session) whose content
// was captured, exact at 80 and 120 columns; read once per request; none, and no content-store reader, with capture off.
using Spectre.Console.Testing;
using Tokentap.Engine.Content;
using Tokentap.Engine.Facade;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Tests.Providers;
using Tokentap.Engine.Tests.Usage;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Live;

public sealed class PromptPreviewTests : IDisposable
{
    private const string LongPrompt = "Refactor   the\tbilling module so that invoices are generated per customer and per month, then add tests for the edge cases";
    private readonly TempStore _temp = new();
    private readonly ManualTimeProvider _clock = new(LiveEvents.Now, LiveEvents.Zone);

    private TokentapPaths Paths => new(_temp.Folder);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void At_80_columns_each_latest_request_with_content_has_its_preview_under_it_cut_to_the_row()
    {
        var lines = Render(Snapshot(), 80, 24);

        Assert.All(lines, l => Assert.True(l.Length <= 80, $"line too long: {l}"));
        Assert.Equal("Tokentap  1h from 13:35  proxy not running  capture on             ? help  14:34", lines[0].TrimEnd());
        var recent = lines.SkipWhile(l => !l.StartsWith("Time ", StringComparison.Ordinal)).Take(11).Select(l => l.TrimEnd()).ToArray();
        Assert.Equal(
        [
            "Time  App         Model                In CacheR CacheW Out     Cost  Dur  St",
            "14:32 claude-code claude-sonnet-4-5 1,000      0      0 200 ~$0.0060 1.0s 200",
            "      ↳ Refactor the billing module so that invoices are generated per customer…",
            "14:31 curl        mystery-model        10      0      0   5        ? 1.0s 200",
            "14:29 claude-code claude-haiku-4-5      0      0      0   0       $0 1.0s 429",
            "14:24 codex       gpt-5             2,000  1,000      0 700   $0.020 1.0s 200",
            "      ↳ Why does the 日本語 test fail?",
            "14:14 claude-code claude-sonnet-4-5    50  12.0k      0 300   $0.030 1.0s 200",
            "13:44 claude-code claude-sonnet-4-5   100  9,000    900 500   $0.050 1.0s 200",
            "      ↳ Summarise the logs",
            "",
        ], recent);
        Assert.Equal(80, lines[Array.IndexOf(lines, lines.First(l => l.Contains("↳ Refactor", StringComparison.Ordinal)))].Length);
    }

    [Fact]
    public void At_120_columns_the_preview_is_cut_to_the_wider_row()
    {
        var lines = Render(Snapshot(), 120, 30);

        Assert.All(lines, l => Assert.True(l.Length <= 120, $"line too long: {l}"));
        Assert.StartsWith("Tokentap  1h from 13:35  proxy not running  capture on", lines[0], StringComparison.Ordinal);
        var recent = lines.SkipWhile(l => !l.StartsWith("Time ", StringComparison.Ordinal)).Take(4).Select(l => l.TrimEnd()).ToArray();
        Assert.Equal(
        [
            "Time     App         Model                In CacheR CacheW Out     Cost  Dur  St",
            "14:32:30 claude-code claude-sonnet-4-5 1,000      0      0 200 ~$0.0060 1.0s 200",
            "         ↳ Refactor the billing module so that invoices are generated per customer and per month, then add tests for th…",
            "14:31:30 curl        mystery-model        10      0      0   5        ? 1.0s 200",
        ], recent);
    }

    [Fact]
    public void Without_unicode_the_marker_is_ascii_and_wide_characters_are_cut_by_their_cells_at_30_columns()
    {
        var lines = Render(Snapshot(), 30, 24, unicode: false);

        Assert.Contains("      > Refactor the billing …", lines);
        // 日本語 takes six cells: the line is cut at 30 cells, not at 30 characters.
        Assert.Contains("      > Why does the 日本語 t…", lines);
    }

    [Fact]
    public void Previews_take_lines_of_the_latest_requests_own_so_every_section_keeps_its_height()
    {
        var plain = Render(Snapshot(capture: false), 80, 24);
        var previewed = Render(Snapshot(), 80, 24);

        Assert.Equal(24, previewed.Length);
        Assert.Equal(plain[^1], previewed[^1]);
        Assert.Equal(plain.Where(l => l.StartsWith("Limits ", StringComparison.Ordinal) || l.StartsWith("Context ", StringComparison.Ordinal)), previewed.Where(l => l.StartsWith("Limits ", StringComparison.Ordinal) || l.StartsWith("Context ", StringComparison.Ordinal)));
        Assert.DoesNotContain(plain, l => l.Contains('↳'));
        Assert.DoesNotContain("capture on", plain[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_screen_shows_the_previews_of_its_requests_and_scrolls_by_lines()
    {
        var snapshot = Snapshot();
        var requests = snapshot.RecentRequests.Where(e => e.ClientSessionId == "cs-1").ToList();
        var detail = new LiveSessionDetail { Session = "cs-1", Requests = requests, Previews = snapshot.Previews, ContextWindow = 200_000 };
        var state = new LiveScreenState { NowUtc = _clock.UtcNow, Zone = LiveEvents.Zone, View = LiveViewKind.SessionDetail, Detail = detail, Selected = 2 };

        var tall = Render(snapshot, 80, 24, state: state);
        Assert.Equal(
        [
            "Time  Model                In CacheR CacheW Out Context     Cost  Dur  St",
            "14:32 claude-sonnet-4-5 1,000      0      0 200   1,000 ~$0.0060 1.0s 200",
            "      ↳ Refactor the billing module so that invoices are generated per customer…",
            "14:14 claude-sonnet-4-5    50  12.0k      0 300   12.1k   $0.030 1.0s 200",
            "13:44 claude-sonnet-4-5   100  9,000    900 500   10.0k   $0.050 1.0s 200",
            "      ↳ Summarise the logs",
        ], tall.SkipWhile(l => !l.StartsWith("Time ", StringComparison.Ordinal)).Take(6).Select(l => l.TrimEnd()));

        // Eight lines leave the table a header and two lines: the selected last row and its preview.
        var small = Render(snapshot, 80, 8, state: state);
        Assert.Equal(
            ["Time  Model              In CacheR CacheW Out Context   Cost  Dur  St", "13:44 claude-sonnet-4-5 100  9,000    900 500   10.0k $0.050 1.0s 200", "      ↳ Summarise the logs"],
            small.SkipWhile(l => !l.StartsWith("Time ", StringComparison.Ordinal)).Take(3).Select(l => l.TrimEnd()));
    }

    [Fact]
    public void Each_request_is_read_once_however_often_the_view_refreshes_and_the_cache_stays_bounded()
    {
        var stored = new Dictionary<Guid, string> { [Id(1)] = "one", [Id(2)] = "two" };
        var reads = new List<Guid>();
        var previews = new PromptPreviews(id => { reads.Add(id); return stored.GetValueOrDefault(id); }, capacity: 3);
        var now = LiveEvents.Now;

        Assert.True(previews.Update([Event(1), Event(2), Event(3)], now));
        for (var i = 0; i < 20; i++)
        {
            Assert.False(previews.Update([Event(1), Event(2), Event(3)], now.AddSeconds(i)));
        }

        // Rows present at the first update are not looked at again; a later row without content is, a few times.
        Assert.Equal([Id(1), Id(2), Id(3)], reads);
        Assert.False(previews.Update([Event(4), Event(1), Event(2)], now));
        stored[Id(4)] = "four";
        Assert.False(previews.Update([Event(4), Event(1), Event(2)], now.AddSeconds(0.4)));
        Assert.True(previews.Update([Event(4), Event(1), Event(2)], now.AddSeconds(0.5)));
        Assert.Equal(new Dictionary<Guid, string> { [Id(4)] = "four", [Id(1)] = "one", [Id(2)] = "two" }, previews.For([Event(4), Event(1), Event(2), Event(3)]));
        Assert.Equal(3, previews.Count);
        Assert.Equal(5, previews.Reads);

        Assert.False(previews.Update([Event(5)], now));
        for (var s = 0; s < 60; s++)
        {
            previews.Update([Event(5)], now.AddSeconds(s));
        }

        Assert.Equal(1 + PromptPreviews.RetryDelays.Length, reads.Count(id => id == Id(5)));
    }

    [Fact]
    public void An_unreadable_content_file_gives_no_preview_and_the_view_goes_on()
    {
        var store = ContentStore.In(Paths);
        Directory.CreateDirectory(store.Directory);
        File.WriteAllText(store.PathOf(Id(6)), "not gzip");
        var previews = PromptPreviews.From(Paths, 10);

        Assert.False(previews.Update([Event(6)], LiveEvents.Now));
        Assert.Empty(previews.For([Event(6)]));
    }

    [Theory]
    [InlineData("user: <system-reminder>\nAs you answer, use the todo list.\n</system-reminder>\n\n  Fix   the\ttests  \nthen commit", "Fix the tests")]
    [InlineData("user: List the files.|assistant: [tool call ls] {}|user: [tool result] README.md\nsrc", "List the files.")]
    [InlineData("user: [tool result] only results", "[tool result] only results")]
    [InlineData("assistant: hello", null)]
    [InlineData("user: \u001b[31mred\u001b[0m text", "[31mred [0m text")]
    public void The_preview_is_the_first_line_of_the_last_user_message_that_says_something(string conversation, string? expected)
    {
        var messages = conversation.Split('|').Select(m => new TokenUsageContentMessage(m[..m.IndexOf(':')], m[(m.IndexOf(':') + 2)..])).ToList();
        var content = new TokenUsageContent
        {
            EventId = Id(1), Timestamp = LiveEvents.Now, Provider = "anthropic", Endpoint = "messages", Messages = messages, Tools = [],
            ResponseText = "", ToolCalls = [], RequestJson = "{}",
        };

        Assert.Equal(expected, PromptPreview.Of(content));
    }

    [Fact]
    public void The_facade_makes_a_preview_reader_only_while_capture_is_on()
    {
        using var engine = new TokentapEngine(Paths);
        Assert.Null(engine.LivePreviews(20));

        engine.SetContentCapture(enabled: true);
        Assert.Equal(20 + 2 * LiveView.DetailPreviewReach + 64, engine.LivePreviews(20)!.Capacity);

        engine.SetContentCapture(enabled: false);
        Assert.Null(engine.LivePreviews(20));
    }

    [Fact]
    public void Watching_with_capture_off_lists_no_previews_though_content_is_stored_and_with_it_on_lists_them()
    {
        _temp.Store.Write(LiveEvents.All);
        WriteContent();
        _temp.Store.Dispose();
        using var engine = new TokentapEngine(Paths);

        var off = engine.WatchSnapshots(UsageFilter.All, "all", 20, TimeSpan.FromSeconds(1), once: true, _ => { }, CancellationToken.None).Single();
        engine.SetContentCapture(enabled: true);
        var on = engine.WatchSnapshots(UsageFilter.All, "all", 20, TimeSpan.FromSeconds(1), once: true, _ => { }, CancellationToken.None).Single();

        Assert.Equal((false, 0), (off.ContentCapture, off.Previews.Count));
        Assert.True(on.ContentCapture);
        Assert.Equal(["Refactor the billing module so that invoices are generated per customer and per month, then add tests for the edge cases", "Why does the 日本語 test fail?", "Summarise the logs"],
            on.RecentRequests.Where(e => on.Previews.ContainsKey(e.Id)).Select(e => on.Previews[e.Id]));
    }

    [Fact]
    public async Task A_prompt_with_a_secret_sent_through_the_proxy_previews_redacted()
    {
        const string secret = "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0";
        using var authority = new TestCertificateAuthority("Preview Upstream Root");
        await using var upstream = await MockUpstream.StartAsync(authority.IssueServerCertificate(["localhost"]));
        upstream.Map("POST", "/v1/messages", MockResponses.Bytes(ExchangeDriver.Fixture("anthropic-messages.sse"), "text/event-stream"));
        _temp.Store.Dispose();
        using var engine = new TokentapEngine(Paths);
        engine.SetContentCapture(enabled: true);
        var status = engine.StartProxy(
            new ProxyStartRequest { Port = 0, UpstreamOverrides = new Dictionary<string, Uri> { ["api.anthropic.com"] = upstream.BaseUri }, UpstreamCaFile = authority.PemPath, Session = "preview" },
            new SilentMessages())!;
        try
        {
            using var client = TestClients.Create(new Uri(status.ProxyUrl!), [engine.Runtime.Listeners[0].Authority.Certificate]);
            var body = $$"""{"model":"claude-opus-4-8","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Deploy   with key {{secret}} today\nand report back"}]}""";
            using var response = await client.PostAsync("https://api.anthropic.com/v1/messages", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await response.Content.ReadAsByteArrayAsync();
        }
        finally
        {
            engine.StopProxy();
        }

        var snapshot = engine.WatchSnapshots(UsageFilter.All, "all", 20, TimeSpan.FromSeconds(1), once: true, _ => { }, CancellationToken.None).Single();
        var usage = Assert.Single(snapshot.RecentRequests);

        Assert.Equal("Deploy with key [REDACTED:anthropic-key] today", snapshot.Previews[usage.Id]);
        var console = new TestConsole().Width(80).Height(24);
        console.Write(SnapshotRenderer.Render(snapshot, new LiveScreenState { NowUtc = DateTime.UtcNow }, 80, 24));
        var line = Assert.Single(console.Output.Split('\n'), l => l.Contains('↳'));
        Assert.Equal("      ↳ Deploy with key [REDACTED:anthropic-key] today", line.TrimEnd());
        Assert.DoesNotContain(secret, console.Output, StringComparison.Ordinal);
    }

    private static Guid Id(int n) => LiveEvents.Make(n, 0, "p", "m", "a", null, null, 0, 0, 0, 0, 0m).Id;

    private static UsageEvent Event(int n) => LiveEvents.Make(n, 0, "p", "m", "a", null, null, 0, 0, 0, 0, 0m);

    private TokenUsageSnapshot Snapshot(bool capture = true)
    {
        _temp.Store.Write(LiveEvents.All);
        WriteContent();
        var options = new SnapshotOptions { Window = TokenUsageWindow.LastHour, Previews = capture ? PromptPreviews.From(Paths, 50) : null };
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), Paths, options, _clock);
        builder.Refresh();
        return builder.Snapshot;
    }

    // Content of A6 (a long prompt with tabs and runs of spaces), A3 (wide characters) and A1 (after a tool result).
    private void WriteContent()
    {
        var store = ContentStore.In(Paths);
        store.Write(Record(LiveEvents.A6, """{"messages":[{"role":"user","content":"LONG\nand a second line"}]}""".Replace("LONG", LongPrompt.Replace("\t", "\\t", StringComparison.Ordinal), StringComparison.Ordinal)));
        store.Write(Record(LiveEvents.A3, """{"input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"Why does the 日本語 test fail?"}]}]}""", "OpenAiResponses"));
        store.Write(Record(LiveEvents.A1, """{"messages":[{"role":"user","content":"Summarise the logs"},{"role":"assistant","content":[{"type":"tool_use","name":"read","input":{}}]},{"role":"user","content":[{"type":"tool_result","content":"log text"}]}]}"""));
    }

    private static ContentRecord Record(UsageEvent e, string requestJson, string format = "AnthropicMessages") => new()
    {
        Id = e.Id, Timestamp = e.Timestamp, Provider = e.Provider, Endpoint = e.Endpoint, Model = e.Model, Format = format,
        RequestJson = requestJson, ResponseText = "ok", ToolCalls = [],
    };

    private sealed class SilentMessages : ITokentapMessages
    {
        public void WriteWarning(string text)
        {
        }

        public void WriteVerbose(string text)
        {
        }

        public void WriteHostLine(string text)
        {
        }
    }

    private string[] Render(TokenUsageSnapshot snapshot, int width, int height, bool unicode = true, LiveScreenState? state = null)
    {
        var console = new TestConsole().Width(width).Height(height);
        console.Write(SnapshotRenderer.Render(snapshot, state ?? new LiveScreenState { NowUtc = _clock.UtcNow, Zone = LiveEvents.Zone }, width, height, unicode));
        return console.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }
}
