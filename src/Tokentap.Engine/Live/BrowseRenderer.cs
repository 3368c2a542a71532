// Draws the live view's breakdown screens (providers, apps, projects, sessions), a session's requests, and the keys.
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Tokentap.Engine.Live;

/// <summary>
/// Header, the window's KPIs (or the session's figures), a title line saying what is listed, how it is sorted and
/// filtered, the table (scrolled so the selected row shows), and the warnings line. Pure, like
/// <see cref="SnapshotRenderer"/>; every screen fits 80x24.
/// </summary>
internal static class BrowseRenderer
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>The keys, as ? shows them.</summary>
    internal static readonly string[] HelpLines =
    [
        "Keys",
        "  1 2 3 4 5   overview, providers, apps, projects, sessions (Tab: the next one)",
        "  Up Down j k move the selection",
        "  Enter       drill down: a provider, app or project to its sessions,",
        "              a session to its requests and its context over time",
        "  Esc         back (clears a text filter first; quits from the overview)",
        "  /           filter rows by text (Enter keeps it, Esc stops typing)",
        "  s           sort by the next column",
        "  t           next window: 5m 15m 1h today 24h 7d 30d all",
        "  p           pause refreshing",
        "  q Ctrl+C    quit",
        "",
        "Any key closes this help.",
    ];

    public static IRenderable Render(TokenUsageSnapshot snapshot, LiveScreenState state, int width, int height, bool unicode)
    {
        var t = state.Theme;
        var header = SnapshotRenderer.HeaderLine(t, snapshot, state, width);
        var warnings = SnapshotRenderer.WarningsLine(t, snapshot, state, unicode);
        var detail = state.View == LiveViewKind.SessionDetail && state.Detail is not null && !state.Help;
        IRenderable top = detail ? SessionLines(t, state.Detail!, width, unicode) : SnapshotRenderer.Kpis(t, snapshot, width);
        var sections = new List<(string Name, IRenderable Content, int Lines)> { ("header", header, 1) };
        var left = height - 1;
        if (left >= 4)
        {
            sections.Add(("top", top, 2));
            left -= 2;
        }

        var warningLines = left >= 3 ? 1 : 0;
        left -= warningLines;
        if (state.Help)
        {
            sections.Add(("help", new Rows(HelpLines.Take(left).Select(l => new LineText().Add(l.Length == 0 ? " " : l, l == "Keys" ? t.Bold : Style.Plain))), left));
        }
        else if (left > 0)
        {
            sections.Add(("title", TitleLine(t, state, width), 1));
            left -= 1;
            if (detail)
            {
                var spark = left >= 8 ? (height >= 40 ? 3 : 1) : 0;
                if (spark > 0)
                {
                    sections.Add(("context", ContextSparkline(t, state.Detail!, width, spark, unicode), spark));
                    left -= spark;
                }

                sections.Add(("table", Requests(t, state, width, left - 1, unicode), left));
            }
            else
            {
                sections.Add(("table", Groups(t, state, width, left - 1, unicode), left));
            }
        }

        if (warningLines > 0)
        {
            sections.Add(("warnings", warnings, 1));
        }

        return new Layout("screen").SplitRows(sections.Where(s => s.Lines > 0).Select(s => new Layout(s.Name, s.Content).Size(s.Lines)).ToArray());
    }

    /// <summary>What the table lists, its sort and filter, and the keys that act on it.</summary>
    private static LineText TitleLine(LiveTheme t, LiveScreenState state, int width)
    {
        var title = new LineText().Add(Title(state), t.Bold);
        title.Add($"  {(state.View == LiveViewKind.SessionDetail ? state.Detail?.Requests.Count ?? 0 : state.Rows.Count)} shown");
        if (state.Sort is { } sort)
        {
            title.Add("  sort " + sort);
        }

        if (state.Typing is { } typing)
        {
            title.Add("  filter /" + typing + "_", t.Warn);
        }
        else if (state.TextFilter is { } filter)
        {
            title.Add("  filter /" + filter, t.Warn);
        }

        var keys = new LineText().Add(state.View == LiveViewKind.SessionDetail ? "s sort  / filter  Esc back" : "Enter open  s sort  / filter  Esc back", t.Dim);
        return title.Length + 2 + keys.Length <= width ? LineText.Spread(title, keys, width) : title;
    }

    private static string Title(LiveScreenState state) => state.View switch
    {
        LiveViewKind.Providers => "Providers",
        LiveViewKind.Apps => "Apps",
        LiveViewKind.Projects => "Projects",
        LiveViewKind.Sessions when state.Within is { } within => $"Sessions of {Singular(within.Kind)} {within.Key}",
        LiveViewKind.Sessions => "Sessions",
        _ => "Requests of session " + (state.Detail?.Session ?? "?"),
    };

    private static string Singular(LiveViewKind kind) => kind switch
    {
        LiveViewKind.Providers => "provider",
        LiveViewKind.Apps => "app",
        _ => "project",
    };

    private static IRenderable Groups(LiveTheme t, LiveScreenState state, int width, int rows, bool unicode)
    {
        var sessions = state.View == LiveViewKind.Sessions;
        var trendWidth = width >= 120 ? 20 : 8;
        var table = new ColumnTable().Add(sessions ? "Session" : Title(state)[..^1], flexible: true, priority: 100);
        if (sessions)
        {
            table.Add("App", flexible: true, priority: 30).Add("Model", flexible: true, priority: 20).Add("Last", priority: 50);
        }

        table.Add("Req", rightAligned: true, priority: 90).Add("Err", rightAligned: true, priority: 40)
            .Add("Tokens", rightAligned: true, priority: 80).Add("Hit", rightAligned: true, priority: 60)
            .Add("Cost", rightAligned: true, priority: 95).Add("Trend", priority: 70);
        if (state.Rows.Count == 0)
        {
            return new Rows(table.Build(width, t.Header), new LineText().Add(state.TextFilter is null ? "No requests in this window." : "Nothing matches the filter.", t.Dim));
        }

        var selected = Math.Clamp(state.Selected, 0, state.Rows.Count - 1);
        var first = Math.Max(0, selected - Math.Max(rows, 1) + 1);
        for (var i = first; i < Math.Min(state.Rows.Count, first + rows); i++)
        {
            var r = state.Rows[i];
            var cells = new List<string> { r.Key };
            if (sessions)
            {
                cells.AddRange([r.App ?? "?", r.Model ?? "?", LiveFormat.Clock(r.LastRequest, state.NowUtc, state.Zone)]);
            }

            cells.AddRange(
            [
                r.Requests.ToString("N0", Culture),
                r.Errors.ToString("N0", Culture),
                LiveFormat.Count(r.TotalTokens),
                LiveFormat.Percent(r.CacheHitRatio),
                r.UnpricedRequests == r.Requests ? "?" : LiveFormat.Cost(r.Cost, r.EstimatedRequests > 0) + (r.UnpricedRequests > 0 ? "+?" : ""),
                Sparkline.Draw(r.Trend, trendWidth, 1, unicode)[0],
            ]);
            table.AddRow(i == selected ? t.Selected : r.Errors > 0 && r.Errors == r.Requests ? t.Failed : Style.Plain, cells.ToArray());
        }

        return table.Build(width, t.Header);
    }

    /// <summary>The session's app, model, figures, and how full its context is after its newest request.</summary>
    private static Rows SessionLines(LiveTheme t, LiveSessionDetail d, int width, bool unicode)
    {
        var requests = d.Requests;
        var newest = requests.MaxBy(e => e.Timestamp);
        var cost = requests.Sum(e => e.Cost ?? 0);
        var prompt = requests.Sum(e => e.ContextTokens);
        var first = new LineText().Add("Session ").Add(d.Session, t.Bold).Add($"  {newest?.App ?? "?"}  {newest?.Model ?? newest?.RequestModel ?? "?"}  ")
            .Add(requests.Count.ToString("N0", Culture), t.Bold).Add(" requests  ")
            .Add(LiveFormat.Cost(cost, requests.Any(e => e.Estimated)), t.Money).Add("  cache hit ")
            .Add(LiveFormat.Percent(prompt > 0 ? (double)requests.Sum(e => e.CacheReadTokens) / prompt : 0), t.Bold);
        var second = new LineText().Add("Context ", t.Dim);
        var context = requests.Where(e => e.ContextTokens > 0).MaxBy(e => e.Timestamp)?.ContextTokens ?? 0;
        if (d.ContextWindow is { } window and > 0)
        {
            var fraction = (double)context / window;
            second.Add(SnapshotRenderer.Bar(t, fraction, width >= 100 ? 20 : 10, unicode)).Add(" ").Add(LiveFormat.Percent(fraction), t.Bold)
                .Add($" {LiveFormat.Count(context)}/{LiveFormat.Count(window)} after the newest request");
        }
        else
        {
            second.Add($"{LiveFormat.Count(context)} tokens after the newest request (window unknown)");
        }

        return new Rows(first, second);
    }

    /// <summary>The context (whole prompt) of each request, oldest first, as a sparkline.</summary>
    private static Rows ContextSparkline(LiveTheme t, LiveSessionDetail d, int width, int lines, bool unicode)
    {
        var values = d.Requests.OrderBy(e => e.Timestamp).Select(e => (double)e.ContextTokens).ToList();
        const string label = "ctx/req ";
        var max = " max " + LiveFormat.Count(values.Count == 0 ? 0 : (long)values.Max());
        var barWidth = Math.Max(1, width - label.Length - max.Length);
        // Two columns per request until the line is full, so a short session reads as separate bars.
        var bars = Sparkline.Draw(values, Math.Min(barWidth, Math.Max(values.Count, 1) * 2), lines, unicode);
        return new Rows(bars.Select((bar, i) => new LineText()
            .Add(i == bars.Count - 1 ? label : new string(' ', label.Length), t.Dim).Add(bar, t.Good).Add(i == 0 ? max : "", t.Dim)));
    }

    private static IRenderable Requests(LiveTheme t, LiveScreenState state, int width, int rows, bool unicode)
    {
        var table = new ColumnTable()
            .Add("Time", priority: 90).Add("Model", flexible: true, priority: 85)
            .Add("In", rightAligned: true, priority: 60).Add("CacheR", rightAligned: true, priority: 55).Add("CacheW", rightAligned: true, priority: 50)
            .Add("Out", rightAligned: true, priority: 70).Add("Context", rightAligned: true, priority: 80).Add("Cost", rightAligned: true, priority: 95)
            .Add("Dur", rightAligned: true, priority: 40).Add("St", rightAligned: true, priority: 75);
        var requests = state.Detail!.Requests;
        if (requests.Count == 0)
        {
            return new Rows(table.Build(width, t.Header), new LineText().Add("No requests of this session in this window.", t.Dim));
        }

        // Rows with a prompt preview take two lines: scroll so the selected row and its preview show.
        var previews = state.Detail.Previews;
        int Lines(int i) => previews.ContainsKey(requests[i].Id) ? 2 : 1;
        var selected = Math.Clamp(state.Selected, 0, requests.Count - 1);
        var first = selected;
        for (var used = Lines(selected); first > 0 && used + Lines(first - 1) <= rows; first--)
        {
            used += Lines(first - 1);
        }

        var left = Math.Max(rows, 1);
        for (var i = first; i < requests.Count && left > 0; i++)
        {
            var e = requests[i];
            table.AddRow(
                i == selected ? t.Selected : e.IsSuccess ? Style.Plain : t.Failed,
                LiveFormat.Clock(e.Timestamp, state.NowUtc, state.Zone, seconds: width >= 100),
                e.Model ?? e.RequestModel ?? "?",
                LiveFormat.Count(e.InputTokens),
                LiveFormat.Count(e.CacheReadTokens),
                LiveFormat.Count(e.CacheWriteTokens),
                LiveFormat.Count(e.OutputTokens),
                LiveFormat.Count(e.ContextTokens),
                LiveFormat.Cost(e.Cost, e.Estimated),
                LiveFormat.Duration(e.DurationMs),
                e.StatusCode == 0 ? "err" : e.StatusCode.ToString(Culture));
            left--;
            if (left > 0 && previews.TryGetValue(e.Id, out var preview))
            {
                table.AddDetail(SnapshotRenderer.PreviewLine(t, preview, unicode));
                left--;
            }
        }

        return table.Build(width, t.Header);
    }
}
