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
    private static readonly Style Header = new(decoration: Decoration.Bold | Decoration.Underline);
    private static readonly Style Bold = new(decoration: Decoration.Bold);
    private static readonly Style Dim = new(decoration: Decoration.Dim);
    private static readonly Style Money = new(Color.Yellow, decoration: Decoration.Bold);
    private static readonly Style Good = new(Color.Green);
    private static readonly Style Warn = new(Color.Yellow);
    private static readonly Style Failed = new(Color.Red);
    private static readonly Style Paused = new(Color.Black, Color.Yellow);
    private static readonly Style Plain = Style.Plain;

    /// <summary>The screen for a snapshot at a size (columns, lines).</summary>
    public static IRenderable Render(TokenUsageSnapshot snapshot, LiveScreenState state, int width, int height, bool unicode = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(state);
        width = Math.Max(width, 20);
        height = Math.Max(height, 1);
        var rows = new List<Layout>();
        foreach (var (name, lines) in Plan(snapshot, height))
        {
            IRenderable content = name switch
            {
                "header" => HeaderLine(snapshot, state, width),
                "kpis" => Kpis(snapshot),
                "spark" => SparklineSection(snapshot, width, lines, unicode),
                "models" => Models(snapshot, width, lines - 1),
                "recent" => Recent(snapshot, state, width, lines - 1),
                "limits" => Limits(snapshot, state, width, unicode),
                "budgets" => Budgets(snapshot, state, width, lines, unicode),
                "contexts" => Contexts(snapshot, width, lines, unicode),
                "anomalies" => Anomalies(snapshot, state, lines),
                _ => WarningsLine(snapshot, state, unicode),
            };
            rows.Add(new Layout(name, content).Size(lines));
        }

        return new Layout("screen").SplitRows(rows.ToArray());
    }

    /// <summary>The sections shown, in screen order, and their heights (summing to the screen height).</summary>
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
        Give("limits", snapshot.Limits.Count > 0 ? 1 : 0);
        Give("budgets", Math.Min(snapshot.Budgets.Count, large ? 4 : 2));
        Give("contexts", Math.Min(snapshot.Contexts.Count, large ? 6 : 2));
        Give("anomalies", Math.Min(snapshot.Anomalies.Count, large ? 3 : 1));
        Give("spark", large ? 3 : 1);
        Give("models", models - 2);
        Give("recent", left);

        // Lines the latest requests cannot fill go to models that did not fit, so no model hides behind blank lines.
        var recentNeeds = 1 + Math.Max(snapshot.RecentRequests.Count, 1);
        var spare = Math.Min(lines["recent"] - recentNeeds, 1 + Math.Max(snapshot.Models.Count, 1) - lines["models"]);
        if (spare > 0 && lines["recent"] - spare >= 2)
        {
            lines["recent"] -= spare;
            lines["models"] += spare;
        }

        string[] order = ["header", "kpis", "spark", "models", "recent", "limits", "budgets", "contexts", "anomalies", "warnings"];
        return order.Where(n => lines.GetValueOrDefault(n) > 0).Select(n => (n, lines[n])).ToList();
    }

    private static LineText HeaderLine(TokenUsageSnapshot snapshot, LiveScreenState state, int width)
    {
        var left = new LineText().Add("Tokentap", Bold).Add("  ");
        if (state.Paused)
        {
            left.Add(" PAUSED ", Paused).Add("  ");
        }

        left.Add(LiveWindows.NameOf(snapshot.Window), Bold).Add(" from " + LiveFormat.Clock(snapshot.WindowStart, state.NowUtc, state.Zone)).Add("  ");
        switch (snapshot.ProxyState)
        {
            case TokentapProxyState.RunningHere:
                left.Add($"proxy :{snapshot.ProxyPort}", Good).Add(" (this shell)");
                break;
            case TokentapProxyState.RunningElsewhere:
                left.Add($"proxy :{snapshot.ProxyPort}", Good).Add($" (pid {snapshot.ProxyProcessId})");
                break;
            default:
                left.Add("proxy not running", Warn);
                break;
        }

        if (state.FilterText is { } filter)
        {
            left.Add("  " + filter);
        }

        var clock = LiveFormat.Clock(state.NowUtc, state.NowUtc, state.Zone);
        var keys = new LineText().Add("t window  p pause  q quit", Dim).Add("  ").Add(clock, Bold);
        if (left.Length + 2 + keys.Length > width)
        {
            keys = new LineText().Add("t/p/q", Dim).Add("  ").Add(clock, Bold);
        }

        return LineText.Spread(left, keys, width);
    }

    private static Rows Kpis(TokenUsageSnapshot s)
    {
        var first = new LineText().Add("Requests ").Add(s.Requests.ToString("N0", Culture), Bold).Add("  ");
        if (s.Errors > 0)
        {
            first.Add($"Errors {s.Errors.ToString("N0", Culture)} ({LiveFormat.Percent(s.ErrorRate)})", Failed);
        }
        else
        {
            first.Add("Errors ").Add("0", Bold);
        }

        first.Add("  Cost ").Add(LiveFormat.Cost(s.Cost), Money)
            .Add("  Burn ").Add(LiveFormat.Cost(s.CostPerHour) + "/h", Money).Add(" ").Add(LiveFormat.Rate(s.TokensPerMinute), Bold).Add(" tok/min");
        var second = new LineText().Add("Tokens ").Add(LiveFormat.Count(s.TotalTokens), Bold)
            .Add($"  in {LiveFormat.Count(s.InputTokens)}  cache read {LiveFormat.Count(s.CacheReadTokens)}  write {LiveFormat.Count(s.CacheWriteTokens)}  out {LiveFormat.Count(s.OutputTokens)}  cache hit ")
            .Add(LiveFormat.Percent(s.CacheHitRatio), Bold);
        return new Rows(first, second);
    }

    private static Rows SparklineSection(TokenUsageSnapshot s, int width, int lines, bool unicode)
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
                .Add((last ? label : "").PadRight(label.Length + 1), Dim)
                .Add(bars[i].PadRight(barWidth), Good)
                .Add(i == 0 ? " " + max : "", Dim));
        }

        return new Rows(rows);
    }

    private static IRenderable Models(TokenUsageSnapshot s, int width, int rows)
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
            return new Rows(table.Build(width, Header), new LineText().Add("No requests in this window.", Dim));
        }

        foreach (var m in s.Models.Take(rows))
        {
            table.AddRow(
                m.Errors > 0 && m.Errors == m.Requests ? Failed : Plain,
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

        return table.Build(width, Header);
    }

    private static IRenderable Recent(TokenUsageSnapshot s, LiveScreenState state, int width, int rows)
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
            return s.Requests == 0 ? new Rows(table.Build(width, Header), new LineText().Add("Waiting for requests…", Dim)) : table.Build(width, Header);
        }

        foreach (var e in s.RecentRequests.Take(rows))
        {
            table.AddRow(
                e.IsSuccess ? Plain : Failed,
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
        }

        return table.Build(width, Header);
    }

    private static LineText Limits(TokenUsageSnapshot s, LiveScreenState state, int width, bool unicode)
    {
        var barWidth = width >= 100 ? 20 : 10;
        var line = new LineText().Add("Limits", Dim);
        foreach (var limit in s.Limits)
        {
            var reset = limit.ResetsAt is { } at ? LiveFormat.Clock(at.UtcDateTime, state.NowUtc, state.Zone) : "?";
            line.Add(line.Length > 6 ? "   " : " ");
            if (limit.Expired)
            {
                line.Add($"{limit.Name} {LiveFormat.Percent(limit.Utilization)} (reset at {reset}, no newer reading)", Dim);
            }
            else
            {
                line.Add(limit.Name + " ").Add(Bar(limit.Utilization, barWidth, unicode)).Add(" ")
                    .Add(LiveFormat.Percent(limit.Utilization), Bold).Add(" resets " + reset);
            }
        }

        return line;
    }

    // One gauge per budget, the fullest first: spent of amount in the current period, red once spent, yellow past 80 %.
    private static Rows Budgets(TokenUsageSnapshot s, LiveScreenState state, int width, int rows, bool unicode)
    {
        var barWidth = width >= 100 ? 20 : 10;
        return new Rows(s.Budgets.OrderByDescending(b => b.Percent).Take(rows).Select(b =>
        {
            var style = b.State == BudgetState.Exceeded ? Failed : b.State == BudgetState.Warning ? Warn : Good;
            var line = new LineText().Add("Budget  ", Dim).Add(Bar((double)Math.Min(1m, b.Amount == 0 ? 1m : b.Spent / b.Amount), barWidth, unicode))
                .Add(" ").Add(LiveFormat.Percent(b.Percent / 100), style)
                .Add($" {LiveFormat.Cost(b.Spent)}/{LiveFormat.Cost(b.Amount)}  {b.Name} ({b.Period}");
            if (b.NextReset is { } reset)
            {
                line.Add(", resets " + LiveFormat.Clock(reset.UtcDateTime, state.NowUtc, state.Zone));
            }

            line.Add(")");
            if (b.Action == BudgetAction.Block)
            {
                line.Add(b.State == BudgetState.Exceeded ? "  BLOCKING" : "  blocks at 100%", b.State == BudgetState.Exceeded ? Failed : Dim);
            }

            return line;
        }));
    }

    private static Rows Contexts(TokenUsageSnapshot s, int width, int rows, bool unicode)
    {
        var barWidth = width >= 100 ? 20 : 10;
        return new Rows(s.Contexts.Take(rows).Select(c =>
        {
            var line = new LineText().Add("Context ", Dim);
            if (c.Fraction is { } fraction)
            {
                line.Add(Bar(fraction, barWidth, unicode)).Add(" ").Add(LiveFormat.Percent(fraction), Bold)
                    .Add($" {LiveFormat.Count(c.ContextTokens)}/{LiveFormat.Count(c.ContextWindow!.Value)}");
            }
            else
            {
                line.Add($"{LiveFormat.Count(c.ContextTokens)} tokens (window unknown)");
            }

            return line.Add($"  {LiveFormat.ShortId(c.Session)} {c.App} {c.Model}");
        }));
    }

    private static Rows Anomalies(TokenUsageSnapshot s, LiveScreenState state, int rows) =>
        new(s.Anomalies.Take(rows).Select(a =>
        {
            var line = new LineText().Add("Anomaly ", Dim).Add(a.Kind.ToString(), Warn)
                .Add($" {LiveFormat.Clock(a.Start, state.NowUtc, state.Zone)} {a.App} {LiveFormat.ShortId(a.Session)}");
            if (a.ExtraCost is { } cost && cost > 0)
            {
                line.Add(" +" + LiveFormat.Cost(cost), Money);
            }

            return line.Add("  " + a.Detail);
        }));

    private static LineText WarningsLine(TokenUsageSnapshot s, LiveScreenState state, bool unicode)
    {
        var parts = new List<(string Text, Style Style)>();
        if (state.Failure is { } failure)
        {
            parts.Add((failure, Failed));
        }

        parts.AddRange(s.Warnings.Select(w => (w, Warn)));
        var line = new LineText();
        if (parts.Count == 0)
        {
            return line.Add("No warnings.", Dim);
        }

        line.Add(unicode ? "⚠ " : "! ", Warn);
        for (var i = 0; i < parts.Count; i++)
        {
            line.Add(i == 0 ? "" : unicode ? " · " : " | ").Add(parts[i].Text, parts[i].Style);
        }

        return line;
    }

    private static LineText Bar(double fraction, int width, bool unicode)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        var style = fraction >= 0.9 ? Failed : fraction >= 0.7 ? Warn : Good;
        var (full, empty) = unicode ? ('█', '░') : ('#', '.');
        return new LineText().Add(new string(full, filled), style).Add(new string(empty, width - filled), Dim);
    }
}
