// Adds a window's events up per provider, app, project or session for the live breakdowns, sorts and filters the rows.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Live;

/// <summary>
/// Pure functions over the events of the live window: the rows of a breakdown (each with a trend of one value per
/// window step), the rows in the order and subset the user chose, and one session's detail.
/// </summary>
internal static class LiveGroups
{
    /// <summary>The sort columns of the breakdowns, in the order s cycles through them.</summary>
    public static readonly IReadOnlyList<string> GroupSorts = ["cost", "requests", "tokens", "cache hit", "name", "last"];

    /// <summary>The sort columns of a session's requests, in the order s cycles through them.</summary>
    public static readonly IReadOnlyList<string> DetailSorts = ["time", "cost", "context"];

    /// <summary>The key an event is counted under in a breakdown.</summary>
    public static string KeyOf(UsageEvent e, LiveViewKind kind) => kind switch
    {
        LiveViewKind.Providers => e.Provider ?? "(unknown provider)",
        LiveViewKind.Apps => e.App ?? "(unknown app)",
        LiveViewKind.Projects => e.Project ?? "(no project)",
        _ => e.ClientSessionId ?? e.Session ?? "(no session)",
    };

    /// <summary>
    /// The rows of a breakdown from the window's events (oldest first); with <paramref name="within"/>, only the
    /// events whose key in that breakdown is the given one (a provider's, app's or project's sessions).
    /// </summary>
    public static List<LiveGroupRow> Build(IEnumerable<UsageEvent> events, LiveViewKind kind, long startTicks, long stepTicks, int steps, (LiveViewKind Kind, string Key)? within = null)
    {
        var groups = new Dictionary<string, (LiveGroupRow Row, decimal[] Cost, double[] Tokens)>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (within is { } w && KeyOf(e, w.Kind) != w.Key)
            {
                continue;
            }

            var key = KeyOf(e, kind);
            if (!groups.TryGetValue(key, out var group))
            {
                group = (new LiveGroupRow { Key = key }, new decimal[steps], new double[steps]);
            }

            var step = (int)Math.Clamp((e.Timestamp.Ticks - startTicks) / stepTicks, 0, steps - 1);
            group.Cost[step] += e.Cost ?? 0;
            group.Tokens[step] += e.TotalTokens;
            var row = group.Row;
            groups[key] = (row with
            {
                Requests = row.Requests + 1,
                Errors = row.Errors + (e.IsSuccess ? 0 : 1),
                InputTokens = row.InputTokens + e.InputTokens,
                CacheReadTokens = row.CacheReadTokens + e.CacheReadTokens,
                CacheWriteTokens = row.CacheWriteTokens + e.CacheWriteTokens,
                OutputTokens = row.OutputTokens + e.OutputTokens,
                Cost = row.Cost + (e.Cost ?? 0),
                UnpricedRequests = row.UnpricedRequests + (e.Cost is null ? 1 : 0),
                EstimatedRequests = row.EstimatedRequests + (e.Estimated ? 1 : 0),
                LastRequest = e.Timestamp >= row.LastRequest ? e.Timestamp : row.LastRequest,
                App = e.Timestamp >= row.LastRequest ? e.App : row.App,
                Model = e.Timestamp >= row.LastRequest ? e.Model ?? e.RequestModel : row.Model,
            }, group.Cost, group.Tokens);
        }

        return groups.Values
            .Select(g => g.Row with { Trend = g.Row.Cost > 0 ? g.Cost.Select(c => (double)c).ToArray() : g.Tokens })
            .ToList();
    }

    /// <summary>The rows matching <paramref name="filter"/> (text in the key, app or model), sorted by the column.</summary>
    public static List<LiveGroupRow> Arrange(IEnumerable<LiveGroupRow> rows, int sort, string? filter)
    {
        var shown = rows.Where(r => Matches(filter, r.Key, r.App, r.Model));
        var byName = shown.OrderBy(r => r.Key, StringComparer.Ordinal);
        return (GroupSorts[sort % GroupSorts.Count] switch
        {
            "requests" => shown.OrderByDescending(r => r.Requests).ThenBy(r => r.Key, StringComparer.Ordinal),
            "tokens" => shown.OrderByDescending(r => r.TotalTokens).ThenBy(r => r.Key, StringComparer.Ordinal),
            "cache hit" => shown.OrderByDescending(r => r.CacheHitRatio).ThenBy(r => r.Key, StringComparer.Ordinal),
            "name" => byName,
            "last" => shown.OrderByDescending(r => r.LastRequest).ThenBy(r => r.Key, StringComparer.Ordinal),
            _ => shown.OrderByDescending(r => r.Cost).ThenByDescending(r => r.TotalTokens).ThenBy(r => r.Key, StringComparer.Ordinal),
        }).ToList();
    }

    /// <summary>One session's requests among the window's events, sorted and filtered like the breakdowns.</summary>
    public static LiveSessionDetail Detail(IEnumerable<UsageEvent> events, string session, PriceTable prices, int sort, string? filter)
    {
        var all = events.Where(e => KeyOf(e, LiveViewKind.Sessions) == session).Reverse().ToList();
        var newest = all.FirstOrDefault(e => e.ContextTokens > 0) ?? all.FirstOrDefault();
        var shown = all.Where(e => Matches(filter, e.Model ?? e.RequestModel, e.App, e.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var sorted = DetailSorts[sort % DetailSorts.Count] switch
        {
            "cost" => shown.OrderByDescending(e => e.Cost ?? 0),
            "context" => shown.OrderByDescending(e => e.ContextTokens),
            _ => shown.OrderByDescending(e => e.Timestamp),
        };
        return new LiveSessionDetail
        {
            Session = session,
            Requests = sorted.ToList(),
            ContextWindow = newest is null ? null : (prices.Resolve(newest.Model, newest.Provider) ?? prices.Resolve(newest.RequestModel, newest.Provider))?.ContextWindow,
        };
    }

    /// <summary>True when there is no filter or one of the texts contains it (case-insensitive).</summary>
    public static bool Matches(string? filter, params string?[] texts) =>
        string.IsNullOrEmpty(filter) || texts.Any(t => t?.Contains(filter, StringComparison.OrdinalIgnoreCase) == true);
}
