// Draws one screen of the live view from a snapshot: header, KPIs, sparkline, models, latest requests, gauges,
// warnings. Pure: the same snapshot, state and size always give the same screen.
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Tokentap.Engine.Live;

/// <summary>
/// Lays the screen out for its size: every section gets whole lines and every status line stays one line (cut, never
/// wrapped). Lines are handed out in order of use: header, KPIs, warnings, a few latest requests, the top models,
/// limits, context gauges, anomalies, sparkline, more models, then all the rest to the latest requests. Meaning never
/// rests on colour alone: failed requests show their status, unknown prices '?', estimated numbers '~'.
/// </summary>
public static class SnapshotRenderer
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>The screen for a snapshot at a size (columns, lines).</summary>
    public static IRenderable Render(TokenUsageSnapshot snapshot, LiveScreenState state, int width, int height, bool unicode = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(state);
        width = Math.Max(width, 20);
        height = Math.Max(height, 1);
        var t = state.Theme;
        if (state.Help || state.View != LiveViewKind.Overview)
        {
            return BrowseRenderer.Render(snapshot, state, width, height, unicode);
        }

        if (state.TextFilter is { } text)
        {
            snapshot = Filtered(snapshot, text);
        }

        var rows = new List<Layout>();
        foreach (var (name, lines) in Plan(snapshot, height))
        {
            IRenderable content = name switch
            {
                "header" => HeaderLine(t, snapshot, state, width),
                "kpis" => Kpis(t, snapshot, width),
                "spark" => SparklineSection(t, snapshot, width, lines, unicode),
                "models" => Models(t, snapshot, width, lines - 1),
                "recent" => Recent(t, snapshot, state, width, lines - 1, unicode),
                "limits" => new Rows(LimitGroups(snapshot).Take(lines).Select(g => Limits(t, g, state, width, unicode))),
                "budgets" => Budgets(t, snapshot, state, width, lines, unicode),
                "contexts" => Contexts(t, snapshot, width, lines, unicode),
                "anomalies" => Anomalies(t, snapshot, state, lines),
                _ => WarningsLine(t, snapshot, state, unicode),
            };
            rows.Add(new Layout(name, content).Size(lines));
        }

        return new Layout("screen").SplitRows(rows.ToArray());
    }

    /// <summary>The snapshot with only the models and latest requests whose provider, model or app hold the text.</summary>
    private static TokenUsageSnapshot Filtered(TokenUsageSnapshot s, string text) => new()
    {
        Time = s.Time, Window = s.Window, WindowStart = s.WindowStart, ProxyState = s.ProxyState, Demo = s.Demo, ProxyPort = s.ProxyPort, ProxyProcessId = s.ProxyProcessId,
        Requests = s.Requests, Errors = s.Errors, InputTokens = s.InputTokens, CacheReadTokens = s.CacheReadTokens, CacheWriteTokens = s.CacheWriteTokens,
        OutputTokens = s.OutputTokens, Cost = s.Cost, UnpricedRequests = s.UnpricedRequests, EstimatedRequests = s.EstimatedRequests, ErrorRate = s.ErrorRate,
        CacheHitRatio = s.CacheHitRatio, CostPerHour = s.CostPerHour, TokensPerMinute = s.TokensPerMinute, SeriesInterval = s.SeriesInterval, Series = s.Series,
        Models = s.Models.Where(m => LiveGroups.Matches(text, m.Provider, m.Model)).ToList(),
        RecentRequests = s.RecentRequests.Where(e => LiveGroups.Matches(text, e.Provider, e.Model ?? e.RequestModel, e.App)).ToList(),
        LastFailedRequest = s.LastFailedRequest, Contexts = s.Contexts, Limits = s.Limits, Budgets = s.Budgets, UnpricedModels = s.UnpricedModels,
        Anomalies = s.Anomalies, Warnings = s.Warnings, ContentCapture = s.ContentCapture, Previews = s.Previews,
    };

    /// <summary>The sections shown, in screen order, and their heights (summing to the screen height).</summary>
    // The latest requests the overview keeps when models that did not fit take its lines.
    private const int MinRecentRows = 8;

    private static List<(string Name, int Lines)> Plan(TokenUsageSnapshot snapshot, int height)
    {
        var large = height >= 40;
        var lines = new Dictionary<string, int>();
        var left = height;
        void Give(string name, int wanted)
        {
            var given = Math.Min(Math.Max(wanted, 0), left);
            lines[name] = lines.GetValueOrDefault(name) + given;
            left -= given;
        }

        Give("header", 1);
        Give("kpis", 2);
        Give("warnings", 1);
        Give("recent", 3);
        if (lines["recent"] < 2)
        {
            left += lines["recent"];
            lines["recent"] = 0;
        }

        var models = 1 + Math.Clamp(snapshot.Models.Count, 1, large ? 8 : 3);
        Give("models", Math.Min(2, models));
        Give("limits", Math.Min(LimitGroups(snapshot).Count, large ? 4 : 2));
        Give("budgets", Math.Min(snapshot.Budgets.Count, large ? 4 : 2));
        Give("contexts", Math.Min(snapshot.Contexts.Count, large ? 6 : 2));
        Give("anomalies", Math.Min(snapshot.Anomalies.Count, large ? 3 : 1));
        Give("spark", large ? 3 : 1);
        Give("models", models - 2);
        Give("recent", left);

        // Lines the latest requests cannot fill go to models that did not fit, so no model hides behind blank lines.
        var recentNeeds = 1 + Math.Max(snapshot.RecentRequests.Count + snapshot.RecentRequests.Count(e => snapshot.Previews.ContainsKey(e.Id)), 1);
        var spare = Math.Min(lines["recent"] - recentNeeds, 1 + Math.Max(snapshot.Models.Count, 1) - lines["models"]);
        if (spare > 0 && lines["recent"] - spare >= 2)
        {
            lines["recent"] -= spare;
            lines["models"] += spare;
        }

        // Models past the cap come before a long list of latest requests: they take its lines while it keeps
        // MinRecentRows (the total of a model should never scroll off while older requests fill the screen).
        var hidden = 1 + Math.Max(snapshot.Models.Count, 1) - lines["models"];
        var taken = Math.Min(hidden, lines["recent"] - (1 + MinRecentRows));
        if (taken > 0)
        {
            lines["recent"] -= taken;
            lines["models"] += taken;
        }

        string[] order = ["header", "kpis", "spark", "models", "recent", "limits", "budgets", "contexts", "anomalies", "warnings"];
        return order.Where(n => lines.GetValueOrDefault(n) > 0).Select(n => (n, lines[n])).ToList();
    }

    internal static LineText HeaderLine(LiveTheme t, TokenUsageSnapshot snapshot, LiveScreenState state, int width)
    {
        var left = new LineText().Add("Tokentap", t.Bold).Add("  ");
        if (state.Paused)
        {
            left.Add(" PAUSED ", t.Paused).Add("  ");
        }

        left.Add(LiveWindows.NameOf(snapshot.Window), t.Bold).Add(" from " + LiveFormat.Clock(snapshot.WindowStart, state.NowUtc, state.Zone)).Add("  ");
        switch (snapshot.ProxyState)
        {
            case TokentapProxyState.NotRunning when snapshot.Demo:
                left.Add(" DEMO DATA ", t.Paused);
                break;
            case TokentapProxyState.RunningHere:
                left.Add($"proxy :{snapshot.ProxyPort}", t.Good).Add(" (this shell)");
                break;
            case TokentapProxyState.RunningElsewhere:
                left.Add($"proxy :{snapshot.ProxyPort}", t.Good).Add($" (pid {snapshot.ProxyProcessId})");
                break;
            default:
                left.Add("proxy not running", t.Warn);
                break;
        }

        if (snapshot.ContentCapture)
        {
            left.Add("  ").Add("capture on", t.Warn);
        }

        if (state.FilterText is { } filter)
        {
            left.Add("  " + filter);
        }

        if ((state.Typing ?? state.TextFilter) is { } text && state.View == LiveViewKind.Overview && !state.Help)
        {
            left.Add("  /" + text + (state.Typing is null ? "" : "_"), t.Bold);
        }

        var clock = LiveFormat.Clock(state.NowUtc, state.NowUtc, state.Zone);
        var keys = new LineText().Add("? help  t window  q quit", t.Dim).Add("  ").Add(clock, t.Bold);
        if (left.Length + 2 + keys.Length > width)
        {
            keys = new LineText().Add("? help", t.Dim).Add("  ").Add(clock, t.Bold);
        }

        return LineText.Spread(left, keys, width);
    }

    internal static Rows Kpis(LiveTheme t, TokenUsageSnapshot s, int width)
    {
        var first = new LineText().Add("Requests ").Add(s.Requests.ToString("N0", Culture), t.Bold).Add("  ");
        if (s.Errors > 0)
        {
            first.Add($"Errors {s.Errors.ToString("N0", Culture)} ({LiveFormat.Percent(s.ErrorRate)})", t.Failed);
        }
        else
        {
            first.Add("Errors ").Add("0", t.Bold);
        }

        first.Add("  Cost ").Add(LiveFormat.Cost(s.Cost), t.Money)
            .Add("  Burn ").Add(LiveFormat.Cost(s.CostPerHour) + "/h", t.Money).Add(" ").Add(LiveFormat.Rate(s.TokensPerMinute), t.Bold).Add(" tok/min");
        var second = new LineText().Add("Tokens ").Add(LiveFormat.Count(s.TotalTokens), t.Bold)
            .Add($"  in {LiveFormat.Count(s.InputTokens)}  cache read {LiveFormat.Count(s.CacheReadTokens)}  write {LiveFormat.Count(s.CacheWriteTokens)}  out {LiveFormat.Count(s.OutputTokens)}  cache hit ")
            .Add(LiveFormat.Percent(s.CacheHitRatio), t.Bold);
        var saved = s.NetCacheSavings is { } net ? $"  cache saved {LiveFormat.Cost(net)} net" : "";
        return new Rows(first, second.Length + saved.Length <= width ? second.Add(saved, t.Money) : second);
    }

    private static Rows SparklineSection(LiveTheme t, TokenUsageSnapshot s, int width, int lines, bool unicode)
    {
        var byCost = s.Series.Any(p => p.Cost > 0);
        var step = s.SeriesInterval.TotalDays >= 1 ? $"{s.SeriesInterval.TotalDays:0}d" : s.SeriesInterval.TotalHours >= 1 ? $"{s.SeriesInterval.TotalHours:0}h" : $"{s.SeriesInterval.TotalMinutes:0}m";
        var label = (byCost ? "$/" : "tok/") + step;
        var max = "max " + (byCost ? LiveFormat.Cost(s.Series.Max(p => p.Cost)) : LiveFormat.Count(s.Series.Count == 0 ? 0 : s.Series.Max(p => p.Tokens)));
        var barWidth = Math.Max(1, width - label.Length - max.Length - 2);
        var values = s.Series.Select(p => byCost ? (double)p.Cost : p.Tokens).ToList();
        var bars = Sparkline.Draw(values, barWidth, lines, unicode);
        var rows = new List<IRenderable>();
        for (var i = 0; i < bars.Count; i++)
        {
            var last = i == bars.Count - 1;
            rows.Add(new LineText()
                .Add((last ? label : "").PadRight(label.Length + 1), t.Dim)
                .Add(bars[i].PadRight(barWidth), t.Good)
                .Add(i == 0 ? " " + max : "", t.Dim));
        }

        return new Rows(rows);
    }

    private static IRenderable Models(LiveTheme t, TokenUsageSnapshot s, int width, int rows)
    {
        var table = new ColumnTable()
            .Add("Model", flexible: true, priority: 100)
            .Add("Provider", flexible: true, priority: 1)
            .Add("Req", rightAligned: true, priority: 90)
            .Add("Err", rightAligned: true, priority: 20)
            .Add("In", rightAligned: true, priority: 5)
            .Add("CacheR", rightAligned: true, priority: 5)
            .Add("CacheW", rightAligned: true, priority: 5)
            .Add("Out", rightAligned: true, priority: 5)
            .Add("Tokens", rightAligned: true, priority: 80)
            .Add("Hit", rightAligned: true, priority: 60)
            .Add("Cost", rightAligned: true, priority: 95)
            .Add("Share", rightAligned: true, priority: 70);
        if (s.Models.Count == 0)
        {
            return new Rows(table.Build(width, t.Header), new LineText().Add("No requests in this window.", t.Dim));
        }

        foreach (var m in s.Models.Take(rows))
        {
            table.AddRow(
                m.Errors > 0 && m.Errors == m.Requests ? t.Failed : Style.Plain,
                m.Model ?? "(unknown model)",
                m.Provider,
                m.Requests.ToString("N0", Culture),
                m.Errors.ToString("N0", Culture),
                LiveFormat.Count(m.InputTokens),
                LiveFormat.Count(m.CacheReadTokens),
                LiveFormat.Count(m.CacheWriteTokens),
                LiveFormat.Count(m.OutputTokens),
                LiveFormat.Count(m.TotalTokens),
                LiveFormat.Percent(m.CacheHitRatio),
                LiveFormat.Cost(m.Cost, m.EstimatedRequests > 0),
                LiveFormat.Percent(m.CostShare));
        }

        return table.Build(width, t.Header);
    }

    private static IRenderable Recent(LiveTheme t, TokenUsageSnapshot s, LiveScreenState state, int width, int rows, bool unicode)
    {
        var table = new ColumnTable()
            .Add("Time", priority: 90)
            .Add("App", flexible: true, priority: 80)
            .Add("Model", flexible: true, priority: 85)
            .Add("In", rightAligned: true, priority: 70)
            .Add("CacheR", rightAligned: true, priority: 60)
            .Add("CacheW", rightAligned: true, priority: 50)
            .Add("Out", rightAligned: true, priority: 70)
            .Add("Cost", rightAligned: true, priority: 95)
            .Add("Dur", rightAligned: true, priority: 40)
            .Add("St", rightAligned: true, priority: 75);
        if (s.RecentRequests.Count == 0)
        {
            return s.Requests == 0 ? new Rows(table.Build(width, t.Header), new LineText().Add("Waiting for requests…", t.Dim)) : table.Build(width, t.Header);
        }

        // A preview takes a line of the section's own: a request row is never pushed out by the preview above it.
        var left = rows;
        foreach (var e in s.RecentRequests)
        {
            if (left <= 0)
            {
                break;
            }

            table.AddRow(
                e.IsSuccess ? Style.Plain : t.Failed,
                LiveFormat.Clock(e.Timestamp, state.NowUtc, state.Zone, seconds: width >= 100),
                e.App ?? "?",
                e.Model ?? e.RequestModel ?? "?",
                LiveFormat.Count(e.InputTokens),
                LiveFormat.Count(e.CacheReadTokens),
                LiveFormat.Count(e.CacheWriteTokens),
                LiveFormat.Count(e.OutputTokens),
                LiveFormat.Cost(e.Cost, e.Estimated),
                LiveFormat.Duration(e.DurationMs),
                e.StatusCode == 0 ? "err" : e.StatusCode.ToString(Culture));
            left--;
            if (left > 0 && s.Previews.TryGetValue(e.Id, out var preview))
            {
                table.AddDetail(PreviewLine(t, preview, unicode));
                left--;
            }
        }

        return table.Build(width, t.Header);
    }

    /// <summary>A request's prompt preview, dimmed, after a marker; cut with an ellipsis to the row's width when drawn.</summary>
    internal static LineText PreviewLine(LiveTheme t, string preview, bool unicode) =>
        new LineText().Add(unicode ? "↳ " : "> ", t.Dim).Add(preview, t.Dim);

    /// <summary>
    /// The limit gauges a line each: the Claude subscription windows first, then each provider's API rate limits
    /// (fullest provider first).
    /// </summary>
    private static List<(string? Provider, List<TokenUsageLimitGauge> Gauges)> LimitGroups(TokenUsageSnapshot s)
    {
        var subscription = s.Limits.Where(IsSubscription).ToList();
        var groups = new List<(string? Provider, List<TokenUsageLimitGauge> Gauges)>();
        if (subscription.Count > 0)
        {
            groups.Add((null, subscription));
        }

        groups.AddRange(s.Limits.Where(l => !IsSubscription(l)).GroupBy(l => l.Provider, StringComparer.Ordinal)
            .OrderByDescending(g => g.Max(l => l.Expired ? 0 : l.Utilization)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ((string?)g.Key, g.ToList())));
        return groups;
    }

    private static bool IsSubscription(TokenUsageLimitGauge limit) => limit.Name is "5h" or "7d";

    private static LineText Limits(LiveTheme t, (string? Provider, List<TokenUsageLimitGauge> Gauges) group, LiveScreenState state, int width, bool unicode)
    {
        var barWidth = width >= 100 ? 20 : 10;
        var line = new LineText().Add("Limits", t.Dim);
        if (group.Provider is { } provider)
        {
            line.Add(" " + provider, t.Bold);
        }

        var start = line.Length;
        foreach (var limit in group.Gauges)
        {
            var name = limit.Name switch { "requests" => "req", "tokens" => "tok", "input tokens" => "in", "output tokens" => "out", _ => limit.Name };
            var reset = limit.ResetsAt is { } at ? LiveFormat.Clock(at.UtcDateTime, state.NowUtc, state.Zone, seconds: !IsSubscription(limit)) : "?";
            line.Add(line.Length > start ? "   " : " ");
            if (limit.Expired)
            {
                line.Add($"{name} {LiveFormat.Percent(limit.Utilization)} (reset at {reset}, no newer reading)", t.Dim);
            }
            else
            {
                line.Add(name + " ").Add(Bar(t, limit.Utilization, barWidth, unicode)).Add(" ")
                    .Add(LiveFormat.Percent(limit.Utilization), t.Bold).Add(" resets " + reset);
            }
        }

        return line;
    }

    // One gauge per budget, the fullest first: spent of amount in the current period, red once spent, yellow past 80 %.
    private static Rows Budgets(LiveTheme t, TokenUsageSnapshot s, LiveScreenState state, int width, int rows, bool unicode)
    {
        var barWidth = width >= 100 ? 20 : 10;
        return new Rows(s.Budgets.OrderByDescending(b => b.Percent).Take(rows).Select(b =>
        {
            var style = b.State == BudgetState.Exceeded ? t.Failed : b.State == BudgetState.Warning ? t.Warn : t.Good;
            var line = new LineText().Add("Budget  ", t.Dim).Add(Bar(t, (double)Math.Min(1m, b.Amount == 0 ? 1m : b.Spent / b.Amount), barWidth, unicode))
                .Add(" ").Add(LiveFormat.Percent(b.Percent / 100), style)
                .Add($" {LiveFormat.Cost(b.Spent)}/{LiveFormat.Cost(b.Amount)}  {b.Name} ({b.Period}");
            if (b.NextReset is { } reset)
            {
                line.Add(", resets " + LiveFormat.Clock(reset.UtcDateTime, state.NowUtc, state.Zone));
            }

            line.Add(")");
            if (b.Action == BudgetAction.Block)
            {
                line.Add(b.State == BudgetState.Exceeded ? "  BLOCKING" : "  blocks at 100%", b.State == BudgetState.Exceeded ? t.Failed : t.Dim);
            }

            return line;
        }));
    }

    private static Rows Contexts(LiveTheme t, TokenUsageSnapshot s, int width, int rows, bool unicode)
    {
        var barWidth = width >= 100 ? 20 : 10;
        return new Rows(s.Contexts.Take(rows).Select(c =>
        {
            var line = new LineText().Add("Context ", t.Dim);
            if (c.Fraction is { } fraction)
            {
                line.Add(Bar(t, fraction, barWidth, unicode)).Add(" ").Add(LiveFormat.Percent(fraction), t.Bold)
                    .Add($" {LiveFormat.Count(c.ContextTokens)}/{LiveFormat.Count(c.ContextWindow!.Value)}");
            }
            else
            {
                line.Add($"{LiveFormat.Count(c.ContextTokens)} tokens (window unknown)");
            }

            return line.Add($"  {LiveFormat.ShortId(c.Session)} {c.App} {c.Model}");
        }));
    }

    private static Rows Anomalies(LiveTheme t, TokenUsageSnapshot s, LiveScreenState state, int rows) =>
        new(s.Anomalies.Take(rows).Select(a =>
        {
            var line = new LineText().Add("Anomaly ", t.Dim).Add(a.Kind.ToString(), t.Warn)
                .Add($" {LiveFormat.Clock(a.Start, state.NowUtc, state.Zone)} {a.App} {LiveFormat.ShortId(a.Session)}");
            if (a.ExtraCost is { } cost && cost > 0)
            {
                line.Add(" +" + LiveFormat.Cost(cost), t.Money);
            }

            return line.Add("  " + a.Detail);
        }));

    internal static LineText WarningsLine(LiveTheme t, TokenUsageSnapshot s, LiveScreenState state, bool unicode)
    {
        var parts = new List<(string Text, Style Style)>();
        if (state.Failure is { } failure)
        {
            parts.Add((failure, t.Failed));
        }

        parts.AddRange(s.Warnings.Select(w => (w, t.Warn)));
        var line = new LineText();
        if (parts.Count == 0)
        {
            return line.Add("No warnings.", t.Dim);
        }

        line.Add(unicode ? "⚠ " : "! ", t.Warn);
        for (var i = 0; i < parts.Count; i++)
        {
            line.Add(i == 0 ? "" : unicode ? " · " : " | ").Add(parts[i].Text, parts[i].Style);
        }

        return line;
    }

    internal static LineText Bar(LiveTheme t, double fraction, int width, bool unicode)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        var style = fraction >= 0.9 ? t.Failed : fraction >= 0.7 ? t.Warn : t.Good;
        var (full, empty) = unicode ? ('█', '░') : ('#', '.');
        return new LineText().Add(new string(full, filled), style).Add(new string(empty, width - filled), t.Dim);
    }
}
