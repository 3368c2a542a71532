// The live screen's model table: full model names at 160 columns, and every model row shown while lines stay blank.
using Spectre.Console.Testing;
using Tokentap.Engine.Live;

namespace Tokentap.Engine.Tests.Live;

public sealed class ModelRowsRenderTests
{
    private static readonly string[] Names =
    [
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "gpt-5-codex-2025-09-15-preview-long-name",
        "gemini-2.5-pro-preview-06-05",
        "claude-haiku-4-5-20251001",
        "o4-mini-deep-research-2025-06-26",
        "mistral-large-2411",
    ];

    [Fact]
    public void At_160_columns_long_model_names_are_whole_in_the_model_table_and_the_requests()
    {
        var lines = Render(Snapshot(recent: 6), 160, 48);

        foreach (var name in Names)
        {
            Assert.Equal(2, lines.Count(l => l.Contains(name, StringComparison.Ordinal)));
        }

        Assert.DoesNotContain(lines, l => l.Contains('…', StringComparison.Ordinal));
    }

    [Fact]
    public void With_few_recent_requests_every_model_row_shows_at_80x24()
    {
        var lines = Render(Snapshot(recent: 1), 80, 24);

        Assert.Equal(24, lines.Length);
        var modelHeader = Array.FindIndex(lines, l => l.StartsWith("Model ", StringComparison.Ordinal));
        // Six models, the most expensive first: $6.00 down to $1.00.
        for (var i = 0; i < 6; i++)
        {
            Assert.EndsWith($"${6 - i}.00", lines[modelHeader + 1 + i].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^2], StringComparison.Ordinal);
        }

        Assert.StartsWith("Time ", lines[modelHeader + 7], StringComparison.Ordinal);
        Assert.Equal(1, lines.Count(l => l.Contains(" 200", StringComparison.Ordinal) && l.Contains("claude-code", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_model_shows_before_the_latest_requests_fill_the_rest()
    {
        var lines = Render(Snapshot(recent: 20), 80, 24);

        var modelHeader = Array.FindIndex(lines, l => l.StartsWith("Model ", StringComparison.Ordinal));
        var recentHeader = Array.FindIndex(lines, l => l.StartsWith("Time ", StringComparison.Ordinal));
        // At 80x24 all 6 models show (the latest requests keep at least 8 rows) and the 20 requests get the rest, all of
        // it used: 11 of them.
        Assert.Equal(7, recentHeader - modelHeader);
        Assert.DoesNotContain(lines[(modelHeader + 1)..recentHeader], string.IsNullOrWhiteSpace);
        Assert.Equal(11, lines.Length - 1 - (recentHeader + 1));
        Assert.DoesNotContain(lines[(recentHeader + 1)..^1], string.IsNullOrWhiteSpace);
    }

    private static TokenUsageSnapshot Snapshot(int recent)
    {
        var models = Names.Select((name, i) => new TokenUsageModelRow
        {
            Provider = "prov" + i, Model = name, Requests = 1, InputTokens = 100, OutputTokens = 10, Cost = 6 - i, CostShare = (6 - i) / 21.0,
        }).ToList();
        var events = Enumerable.Range(0, recent).Select(i => LiveEvents.Make(100 + i, -i, "prov" + (i % 6), Names[i % 6], "claude-code", null, "s", 100, 0, 0, 10, 6 - (i % 6))).ToList();
        return new TokenUsageSnapshot
        {
            Time = LiveEvents.Now,
            Window = TokenUsageWindow.LastHour,
            WindowStart = LiveEvents.Now.AddHours(-1),
            Requests = 6,
            Cost = 21,
            SeriesInterval = TimeSpan.FromMinutes(1),
            Models = models,
            RecentRequests = events,
        };
    }

    private static string[] Render(TokenUsageSnapshot snapshot, int width, int height)
    {
        var console = new TestConsole().Width(width).Height(height);
        console.Write(SnapshotRenderer.Render(snapshot, new LiveScreenState { NowUtc = LiveEvents.Now, Zone = LiveEvents.Zone }, width, height));
        return console.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }
}
