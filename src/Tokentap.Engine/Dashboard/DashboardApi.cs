// The dashboard's JSON API: overview, spend over time, sessions, requests and models, from the store's own summaries.
using System.Text.Json;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// Answers /api/*. Every figure comes from <see cref="UsageStore.Summarize"/> (the query behind Get-TokenUsageSummary)
/// or <see cref="UsageStore.Query"/> (Get-TokenUsage), so the page and the cmdlets cannot disagree. Budgets and
/// subscription limits come from the live view's snapshot. Events are written as a fixed set of numbers and labels,
/// with whether content was captured for them; the content itself is served by <see cref="DashboardContent"/> alone.
/// </summary>
internal sealed class DashboardApi
{
    public const int MaxSeriesKeys = 8;
    public const int MaxRequests = 1000;
    public const int MaxSessions = 500;
    public static readonly IReadOnlyList<string> OverviewWindows = ["today", "7d", "30d"];

    private readonly UsageStore _store;
    private readonly PriceTable _prices;
    private readonly SnapshotBuilder _gauges;
    private readonly DashboardContent _content;
    private readonly object _gaugesGate = new();

    public DashboardApi(UsageStore store, PriceTable prices, SnapshotBuilder gauges, DashboardContent content)
    {
        _store = store;
        _prices = prices;
        _gauges = gauges;
        _content = content;
    }

    /// <summary>Today, 7 days and 30 days under the query's labels, with budget and subscription gauges.</summary>
    public byte[] Overview(DashboardQuery query) => Write(json =>
    {
        json.WriteString("now", query.NowUtc);
        json.WriteString("zone", query.Zone.Id);
        // One summary per day of the longest window; each window starts at a midnight, so it is a run of whole days.
        var days = _store.Summarize(query.For(OverviewWindows[^1]), [UsageGroupBy.Day], query.Zone);
        json.WriteStartArray("windows");
        foreach (var name in OverviewWindows)
        {
            var since = query.Start(name)!.Value;
            var firstDay = TimeZoneInfo.ConvertTimeFromUtc(since, query.Zone).Date;
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("since", since);
            WriteTotals(json, Total(days.Where(r => r.Day >= firstDay).ToList()));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        TokenUsageSnapshot snapshot;
        lock (_gaugesGate)
        {
            _gauges.Refresh();
            snapshot = _gauges.Snapshot;
        }

        json.WriteStartArray("budgets");
        foreach (var budget in snapshot.Budgets)
        {
            json.WriteStartObject();
            json.WriteString("name", budget.Name);
            json.WriteNumber("spent", budget.Spent);
            json.WriteNumber("amount", budget.Amount);
            json.WriteNumber("percent", budget.Percent);
            json.WriteString("state", budget.State.ToString());
            json.WriteString("action", budget.Action.ToString());
            json.WriteString("period", budget.Period);
            WriteTime(json, "nextReset", budget.NextReset?.UtcDateTime);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("limits");
        foreach (var limit in snapshot.Limits.Where(l => !l.Expired))
        {
            json.WriteStartObject();
            json.WriteString("name", limit.Name);
            json.WriteNumber("utilization", limit.Utilization);
            WriteTime(json, "resetsAt", limit.ResetsAt?.UtcDateTime);
            json.WriteString("status", limit.Status);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    /// <summary>
    /// Spend over the query's range per day or hour (<paramref name="step"/>), stacked by model, app or project
    /// (<paramref name="by"/>): the <see cref="MaxSeriesKeys"/> largest by cost, the rest as "(other)".
    /// </summary>
    public byte[] Series(DashboardQuery query, string step, string by)
    {
        var hourly = step switch
        {
            "day" => false,
            "hour" => true,
            _ => throw new ArgumentException($"Unknown step '{step}'; use day or hour."),
        };
        var (dimension, label) = by switch
        {
            "model" => (UsageGroupBy.Model, (Func<UsageSummaryRow, string?>)(r => r.Model)),
            "app" => (UsageGroupBy.App, r => r.App),
            "project" => (UsageGroupBy.Project, r => r.Project),
            _ => throw new ArgumentException($"Unknown grouping '{by}'; use model, app or project."),
        };
        var rows = _store.Summarize(query.Filter, [hourly ? UsageGroupBy.Hour : UsageGroupBy.Day, dimension], query.Zone);
        var buckets = DashboardBuckets.For(query, hourly, rows);
        var index = buckets.Select((b, i) => (b, i)).ToDictionary(p => p.b, p => p.i);
        var byKey = rows.GroupBy(r => label(r) ?? "(none)", StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Rows: g.ToList(), Cost: g.Sum(r => r.Cost ?? 0), Tokens: g.Sum(r => r.TotalTokens)))
            .OrderByDescending(g => g.Cost).ThenByDescending(g => g.Tokens).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var shown = byKey.Take(MaxSeriesKeys).ToList();
        if (byKey.Count > MaxSeriesKeys)
        {
            shown.Add(("(other)", byKey.Skip(MaxSeriesKeys).SelectMany(g => g.Rows).ToList(), 0, 0));
        }

        return Write(json =>
        {
            json.WriteString("step", step);
            json.WriteString("by", by);
            json.WriteString("zone", query.Zone.Id);
            json.WriteStartArray("buckets");
            foreach (var bucket in buckets)
            {
                json.WriteStringValue(DashboardBuckets.Format(bucket, hourly, query.Zone));
            }

            json.WriteEndArray();
            json.WriteStartArray("series");
            foreach (var (key, keyRows, _, _) in shown)
            {
                var cost = new decimal[buckets.Count];
                var requests = new long[buckets.Count];
                var tokens = new long[buckets.Count];
                foreach (var row in keyRows)
                {
                    var i = index[DashboardBuckets.KeyOf(row, hourly)];
                    cost[i] += row.Cost ?? 0;
                    requests[i] += row.Requests;
                    tokens[i] += row.TotalTokens;
                }

                json.WriteStartObject();
                json.WriteString("key", key);
                WriteArray(json, "cost", cost, (w, v) => w.WriteNumberValue(v));
                WriteArray(json, "requests", requests, (w, v) => w.WriteNumberValue(v));
                WriteArray(json, "tokens", tokens, (w, v) => w.WriteNumberValue(v));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("total");
            WriteTotals(json, Total(rows));
            json.WriteEndObject();
        });
    }

    /// <summary>One row per Tokentap session in the range, most expensive first.</summary>
    public byte[] Sessions(DashboardQuery query)
    {
        var rows = _store.Summarize(query.Filter, [UsageGroupBy.Session], query.Zone)
            .OrderByDescending(r => r.Cost ?? 0).ThenByDescending(r => r.Requests).ThenBy(r => r.Session, StringComparer.Ordinal)
            .Take(MaxSessions);
        return Write(json =>
        {
            json.WriteStartArray("sessions");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("session", row.Session);
                WriteTotals(json, row);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    /// <summary>The newest requests in the range (at most <paramref name="limit"/>), newest first.</summary>
    public byte[] Requests(DashboardQuery query, int limit) => Write(json =>
    {
        var withContent = _content.Ids();
        json.WriteStartArray("requests");
        foreach (var usageEvent in _store.Query(query.Filter, UsageOrder.NewestFirst, Math.Clamp(limit, 1, MaxRequests)))
        {
            WriteEvent(json, usageEvent, withContent.Contains(usageEvent.Id));
        }

        json.WriteEndArray();
    });

    /// <summary>
    /// One request's fields and, when it has no content, why (the page then does not ask for it); null when the store
    /// has no event of that id. Events are kept by hour, so the search looks within a second of <paramref name="near"/>
    /// (the time the page's link carries) or of the content's timestamp, and reads the whole store only when neither
    /// finds it.
    /// </summary>
    public byte[]? Request(Guid id, DateTime? near)
    {
        var found = (near ?? _content.TimeOf(id)) is { } time
            ? _store.Query(new UsageFilter { Since = time.AddSeconds(-1), Until = time.AddSeconds(1) }).FirstOrDefault(e => e.Id == id)
            : null;
        found ??= _store.Query(UsageFilter.All).FirstOrDefault(e => e.Id == id);
        var hasContent = _content.Has(id);
        return found is null ? null : Write(json =>
        {
            json.WritePropertyName("request");
            WriteEvent(json, found, hasContent);
            json.WriteString("contentNote", hasContent ? null : _content.Missing());
        });
    }

    /// <summary>One row per provider and model in the range, with the price that applies now and whether there is one.</summary>
    public byte[] Models(DashboardQuery query)
    {
        var rows = _store.Summarize(query.Filter, [UsageGroupBy.Provider, UsageGroupBy.Model], query.Zone)
            .OrderByDescending(r => r.Cost ?? 0).ThenByDescending(r => r.TotalTokens).ThenBy(r => r.Model, StringComparer.Ordinal);
        return Write(json =>
        {
            json.WriteStartArray("models");
            foreach (var row in rows)
            {
                var price = _prices.Resolve(row.Model, row.Provider);
                var rates = price?.PeriodAt(query.NowUtc).Rates;
                json.WriteStartObject();
                json.WriteString("provider", row.Provider);
                json.WriteString("model", row.Model);
                json.WriteBoolean("priced", rates is { HasTokenPrices: true });
                json.WriteString("priceId", price?.Id);
                WriteRate(json, "inputPerMillion", rates?.Input);
                WriteRate(json, "outputPerMillion", rates?.Output);
                WriteRate(json, "cacheReadPerMillion", rates?.CacheRead);
                WriteRate(json, "cacheWritePerMillion", rates?.CacheWrite5m);
                if (price?.ContextWindow is { } window)
                {
                    json.WriteNumber("contextWindow", window);
                }
                else
                {
                    json.WriteNull("contextWindow");
                }

                WriteTotals(json, row);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    /// <summary>An event as the feed and the request lists show it: labels, numbers and whether it has content.</summary>
    public static void WriteEvent(Utf8JsonWriter json, UsageEvent usageEvent, bool hasContent)
    {
        json.WriteStartObject();
        json.WriteString("id", usageEvent.Id);
        json.WriteString("time", DateTime.SpecifyKind(usageEvent.Timestamp, DateTimeKind.Utc));
        json.WriteString("provider", usageEvent.Provider);
        json.WriteString("model", usageEvent.Model ?? usageEvent.RequestModel);
        json.WriteString("app", usageEvent.App);
        json.WriteString("project", usageEvent.Project);
        json.WriteString("session", usageEvent.Session);
        json.WriteString("clientSession", usageEvent.ClientSessionId);
        json.WriteString("endpoint", usageEvent.Endpoint);
        json.WriteNumber("status", usageEvent.StatusCode);
        json.WriteBoolean("success", usageEvent.IsSuccess);
        json.WriteString("error", usageEvent.Error);
        json.WriteNumber("inputTokens", usageEvent.InputTokens);
        json.WriteNumber("cacheReadTokens", usageEvent.CacheReadTokens);
        json.WriteNumber("cacheWriteTokens", usageEvent.CacheWriteTokens);
        json.WriteNumber("outputTokens", usageEvent.OutputTokens);
        json.WriteNumber("totalTokens", usageEvent.TotalTokens);
        WriteCost(json, usageEvent.Cost);
        json.WriteNumber("durationMs", usageEvent.DurationMs);
        json.WriteBoolean("estimated", usageEvent.Estimated);
        json.WriteBoolean("hasContent", hasContent);
        json.WriteEndObject();
    }

    /// <summary>A JSON object written by <paramref name="body"/>, as UTF-8 bytes.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The sum of summary rows (the one row of an ungrouped summary as it is); zeros when nothing matched.</summary>
    private static UsageSummaryRow Total(IReadOnlyList<UsageSummaryRow> rows) => rows.Count switch
    {
        0 => new UsageSummaryRow(),
        1 => rows[0],
        _ => new UsageSummaryRow
        {
            Requests = rows.Sum(r => r.Requests),
            Errors = rows.Sum(r => r.Errors),
            InputTokens = rows.Sum(r => r.InputTokens),
            CacheReadTokens = rows.Sum(r => r.CacheReadTokens),
            CacheWriteTokens = rows.Sum(r => r.CacheWriteTokens),
            OutputTokens = rows.Sum(r => r.OutputTokens),
            Cost = rows.Any(r => r.Cost is not null) ? rows.Sum(r => r.Cost ?? 0) : null,
            UnpricedRequests = rows.Sum(r => r.UnpricedRequests),
            EstimatedRequests = rows.Sum(r => r.EstimatedRequests),
        },
    };

    private static void WriteTotals(Utf8JsonWriter json, UsageSummaryRow row)
    {
        json.WriteNumber("requests", row.Requests);
        json.WriteNumber("errors", row.Errors);
        json.WriteNumber("inputTokens", row.InputTokens);
        json.WriteNumber("cacheReadTokens", row.CacheReadTokens);
        json.WriteNumber("cacheWriteTokens", row.CacheWriteTokens);
        json.WriteNumber("outputTokens", row.OutputTokens);
        json.WriteNumber("totalTokens", row.TotalTokens);
        WriteCost(json, row.Cost);
        json.WriteNumber("unpricedRequests", row.UnpricedRequests);
        json.WriteNumber("estimatedRequests", row.EstimatedRequests);
        var prompt = row.InputTokens + row.CacheReadTokens + row.CacheWriteTokens;
        json.WriteNumber("cacheHitRate", prompt > 0 ? (double)row.CacheReadTokens / prompt : 0);
        json.WriteNumber("errorRate", row.Requests > 0 ? (double)row.Errors / row.Requests : 0);
    }

    private static void WriteCost(Utf8JsonWriter json, decimal? cost)
    {
        if (cost is { } value)
        {
            json.WriteNumber("cost", value);
        }
        else
        {
            json.WriteNull("cost");
        }
    }

    private static void WriteRate(Utf8JsonWriter json, string name, decimal? rate)
    {
        if (rate is { } value)
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTime? utc)
    {
        if (utc is { } value)
        {
            json.WriteString(name, DateTime.SpecifyKind(value, DateTimeKind.Utc));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteArray<T>(Utf8JsonWriter json, string name, T[] values, Action<Utf8JsonWriter, T> write)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            write(json, value);
        }

        json.WriteEndArray();
    }
}
