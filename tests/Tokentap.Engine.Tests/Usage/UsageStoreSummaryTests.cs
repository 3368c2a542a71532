// Summaries: hand-computed totals for each grouping and combinations, time zone day boundaries, and a cross-check of
// the rollup path against totals computed directly from the events.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreSummaryTests : IDisposable
{
    private static readonly TimeZoneInfo Minus5 = TimeZoneInfo.CreateCustomTimeZone("Test-05:00", TimeSpan.FromHours(-5), "Test-05:00", "Test-05:00");
    private static readonly TimeZoneInfo Plus0530 = TimeZoneInfo.CreateCustomTimeZone("Test+05:30", new TimeSpan(5, 30, 0), "Test+05:30", "Test+05:30");

    private readonly TempStore _temp = new();

    public UsageStoreSummaryTests() => _temp.Store.Write(SampleEvents.All);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Everything_in_one_row()
    {
        var row = Assert.Single(Summarize(UsageFilter.All));
        Assert.Equal(8, row.Requests);
        Assert.Equal(2, row.Errors);
        Assert.Equal(971, row.InputTokens);
        Assert.Equal(6100, row.CacheReadTokens);
        Assert.Equal(200, row.CacheWriteTokens);
        Assert.Equal(656, row.OutputTokens);
        Assert.Equal(310, row.ReasoningTokens);
        Assert.Equal(971 + 6100 + 200 + 656, row.TotalTokens);
        Assert.Equal(0.084m, row.Cost);
        Assert.Equal(2, row.UnpricedRequests);
        Assert.Equal(1, row.EstimatedRequests);
        Assert.Equal(7060 / 8.0, row.AverageDurationMs);
        Assert.Null(row.Day);
        Assert.Null(row.Model);
        Assert.Null(row.TimeZone);
    }

    [Fact]
    public void By_model()
    {
        var rows = Summarize(UsageFilter.All, UsageGroupBy.Model);
        Assert.Equal([null, "claude-haiku-4-5", "claude-sonnet-4-5", "gemini-2.5-pro", "gpt-5", "gpt-5-mini"], rows.Select(r => r.Model));
        AssertRow(rows[0], requests: 1, errors: 0, input: 1, cacheRead: 0, cacheWrite: 0, output: 1, reasoning: 0, cost: null, unpriced: 1);
        AssertRow(rows[1], requests: 1, errors: 0, input: 10, cacheRead: 0, cacheWrite: 0, output: 5, reasoning: 0, cost: 0.001m, unpriced: 0);
        AssertRow(rows[2], requests: 3, errors: 1, input: 120, cacheRead: 6000, cacheWrite: 200, output: 120, reasoning: 0, cost: 0.013m, unpriced: 0);
        Assert.Equal(1, rows[2].EstimatedRequests);
        AssertRow(rows[3], requests: 1, errors: 1, input: 500, cacheRead: 0, cacheWrite: 0, output: 100, reasoning: 60, cost: 0.020m, unpriced: 0);
        AssertRow(rows[4], requests: 1, errors: 0, input: 300, cacheRead: 100, cacheWrite: 0, output: 400, reasoning: 250, cost: 0.050m, unpriced: 0);
        AssertRow(rows[5], requests: 1, errors: 0, input: 40, cacheRead: 0, cacheWrite: 0, output: 30, reasoning: 0, cost: null, unpriced: 1);
        Assert.All(rows, r => Assert.Null(r.Provider));
    }

    [Fact]
    public void By_provider_app_session_and_project()
    {
        Assert.Equal([("anthropic", 4L), ("google", 1L), ("openai", 3L)], Summarize(UsageFilter.All, UsageGroupBy.Provider).Select(r => (r.Provider!, r.Requests)));
        Assert.Equal([("claude-code", 3L), ("codex", 2L), ("curl", 2L), ("gemini-cli", 1L)], Summarize(UsageFilter.All, UsageGroupBy.App).Select(r => (r.App!, r.Requests)));
        Assert.Equal([(null, 1L), ("s1", 3L), ("s2", 2L), ("s3", 2L)], Summarize(UsageFilter.All, UsageGroupBy.Session).Select(r => (r.Session, r.Requests)));
        var projects = Summarize(UsageFilter.All, UsageGroupBy.Project);
        Assert.Equal([(null, 2L), ("/p/a", 4L), ("/p/b", 2L)], projects.Select(r => (r.Project, r.Requests)));
        Assert.Equal(0.034m, projects[1].Cost);
        Assert.Equal(0.050m, projects[2].Cost);
        Assert.Equal(1, projects[2].UnpricedRequests);
    }

    [Fact]
    public void By_day_in_utc()
    {
        var rows = Summarize(UsageFilter.All, TimeZoneInfo.Utc, UsageGroupBy.Day);
        Assert.Equal([new DateTime(2026, 1, 10), new DateTime(2026, 1, 11), new DateTime(2026, 1, 12), new DateTime(2026, 1, 13)], rows.Select(r => r.Day!.Value));
        AssertRow(rows[0], requests: 3, errors: 0, input: 410, cacheRead: 1100, cacheWrite: 200, output: 455, reasoning: 250, cost: 0.061m, unpriced: 0);
        AssertRow(rows[1], requests: 2, errors: 1, input: 540, cacheRead: 0, cacheWrite: 0, output: 130, reasoning: 60, cost: 0.020m, unpriced: 1);
        AssertRow(rows[2], requests: 1, errors: 1, input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, cost: 0m, unpriced: 0);
        AssertRow(rows[3], requests: 2, errors: 0, input: 21, cacheRead: 5000, cacheWrite: 0, output: 71, reasoning: 0, cost: 0.003m, unpriced: 1);
        Assert.All(rows, r => Assert.Equal("UTC", r.TimeZone));
        Assert.All(rows, r => Assert.Null(r.Hour));
    }

    [Fact]
    public void By_day_in_a_zone_behind_utc_moves_the_boundary()
    {
        // In UTC-5, E3, E4 and E5 (the last one tick before 05:00 UTC) still fall on January 10.
        var rows = Summarize(UsageFilter.All, Minus5, UsageGroupBy.Day);
        Assert.Equal([(new DateTime(2026, 1, 10), 5L), (new DateTime(2026, 1, 12), 1L), (new DateTime(2026, 1, 13), 2L)], rows.Select(r => (r.Day!.Value, r.Requests)));
        AssertRow(rows[0], requests: 5, errors: 1, input: 950, cacheRead: 1100, cacheWrite: 200, output: 585, reasoning: 310, cost: 0.081m, unpriced: 1);
        Assert.Equal("Test-05:00", rows[0].TimeZone);
    }

    [Fact]
    public void By_day_in_a_half_hour_zone_reads_events_exactly()
    {
        // UTC+5:30 cuts UTC hours in half, so the rollups cannot be used: E3 (23:30 UTC) is 05:00 on January 11 there.
        var rows = Summarize(UsageFilter.All, Plus0530, UsageGroupBy.Day);
        Assert.Equal([(new DateTime(2026, 1, 10), 2L), (new DateTime(2026, 1, 11), 3L), (new DateTime(2026, 1, 12), 1L), (new DateTime(2026, 1, 13), 2L)], rows.Select(r => (r.Day!.Value, r.Requests)));
        AssertRow(rows[0], requests: 2, errors: 0, input: 110, cacheRead: 1000, cacheWrite: 200, output: 55, reasoning: 0, cost: 0.011m, unpriced: 0);
        AssertRow(rows[1], requests: 3, errors: 1, input: 840, cacheRead: 100, cacheWrite: 0, output: 530, reasoning: 310, cost: 0.070m, unpriced: 1);
    }

    [Fact]
    public void By_hour_carries_the_zone_offset()
    {
        var filter = new UsageFilter { Until = new DateTime(2026, 1, 11, 0, 0, 0, DateTimeKind.Utc) };
        var utc = Summarize(filter, TimeZoneInfo.Utc, UsageGroupBy.Hour);
        Assert.Equal([(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero), 2L), (new DateTimeOffset(2026, 1, 10, 23, 0, 0, TimeSpan.Zero), 1L)], utc.Select(r => (r.Hour!.Value, r.Requests)));
        Assert.Equal(new DateTime(2026, 1, 10), utc[1].Day);
        var india = Summarize(filter, Plus0530, UsageGroupBy.Hour);
        var offset = new TimeSpan(5, 30, 0);
        Assert.Equal(
            [(new DateTimeOffset(2026, 1, 10, 14, 0, 0, offset), 1L), (new DateTimeOffset(2026, 1, 10, 15, 0, 0, offset), 1L), (new DateTimeOffset(2026, 1, 11, 5, 0, 0, offset), 1L)],
            india.Select(r => (r.Hour!.Value, r.Requests)));
        Assert.Equal(new DateTime(2026, 1, 11), india[2].Day);
    }

    [Fact]
    public void Combined_groupings()
    {
        var rows = Summarize(UsageFilter.All, TimeZoneInfo.Utc, UsageGroupBy.Day, UsageGroupBy.Provider);
        Assert.Equal(
            [(10, "anthropic", 2L), (10, "openai", 1L), (11, "google", 1L), (11, "openai", 1L), (12, "anthropic", 1L), (13, "anthropic", 1L), (13, "openai", 1L)],
            rows.Select(r => (r.Day!.Value.Day, r.Provider!, r.Requests)));
        var byAppModel = Summarize(UsageFilter.All, UsageGroupBy.App, UsageGroupBy.Model);
        Assert.Equal(
            [("claude-code", "claude-haiku-4-5", 1L), ("claude-code", "claude-sonnet-4-5", 2L), ("codex", "gpt-5", 1L), ("codex", "gpt-5-mini", 1L), ("curl", null, 1L), ("curl", "claude-sonnet-4-5", 1L), ("gemini-cli", "gemini-2.5-pro", 1L)],
            byAppModel.Select(r => (r.App!, r.Model, r.Requests)).OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal));
        var sessionProject = Summarize(new UsageFilter { Session = ["s*"] }, UsageGroupBy.Session, UsageGroupBy.Project);
        Assert.Equal([("s1", "/p/a", 3L), ("s2", "/p/b", 2L), ("s3", null, 1L), ("s3", "/p/a", 1L)], sessionProject.Select(r => (r.Session!, r.Project, r.Requests)));
    }

    [Fact]
    public void Partial_hours_at_the_edges_come_from_the_events()
    {
        var filter = new UsageFilter
        {
            Since = new DateTime(2026, 1, 10, 9, 30, 0, DateTimeKind.Utc),
            Until = new DateTime(2026, 1, 13, 8, 15, 0, DateTimeKind.Utc),
        };
        var row = Assert.Single(Summarize(filter));
        AssertRow(row, requests: 6, errors: 2, input: 870, cacheRead: 5100, cacheWrite: 0, output: 605, reasoning: 310, cost: 0.074m, unpriced: 1);
        Assert.Equal(1, row.EstimatedRequests);
        Assert.Equal(6, _temp.Store.Count(filter));
    }

    [Fact]
    public void Filters_apply_to_summaries()
    {
        var rows = Summarize(new UsageFilter { Status = UsageStatus.Error }, UsageGroupBy.Model);
        Assert.Equal([("claude-sonnet-4-5", 1L, 1L), ("gemini-2.5-pro", 1L, 1L)], rows.Select(r => (r.Model!, r.Requests, r.Errors)));
        Assert.Empty(Summarize(new UsageFilter { Model = ["nothing*"] }));
    }

    [Fact]
    public void Rollups_agree_with_the_events_for_random_data_groupings_zones_and_ranges()
    {
        using var temp = new TempStore();
        var random = new Random(20260110);
        var start = new DateTime(2026, 3, 27, 0, 0, 0, DateTimeKind.Utc);
        string[] models = ["m-a", "m-b", "m-c"];
        string?[] apps = ["app-x", "app-y", null];
        var events = Enumerable.Range(0, 3000).Select(i => new UsageEvent
        {
            Timestamp = start.AddTicks((long)(random.NextDouble() * TimeSpan.TicksPerDay * 5)),
            Provider = i % 3 == 0 ? "openai" : "anthropic",
            Model = models[random.Next(models.Length)],
            App = apps[random.Next(apps.Length)],
            Session = "s" + random.Next(4),
            Project = random.Next(5) == 0 ? null : "/p" + random.Next(2),
            InputTokens = random.Next(1000),
            CacheReadTokens = random.Next(1000),
            CacheWriteTokens = random.Next(100),
            OutputTokens = random.Next(1000),
            ReasoningTokens = random.Next(50),
            Cost = random.Next(4) == 0 ? null : random.Next(100000) / 1_000_000m,
            StatusCode = random.Next(10) == 0 ? 500 : 200,
            Estimated = random.Next(20) == 0,
            DurationMs = random.Next(5000),
            RequestId = "r" + i,
        }).ToList();
        temp.Store.Import(events);

        // A zone with daylight saving time in the data range (Europe-like rule: last Sunday of March, 01:00 UTC).
        var dst = TimeZoneInfo.CreateCustomTimeZone("Test-DST", TimeSpan.FromHours(1), "Test-DST", "Test-Std", "Test-Dst",
        [
            TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
                new DateTime(2000, 1, 1), new DateTime(2099, 12, 31), TimeSpan.FromHours(1),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday)),
        ]);
        UsageGroupBy[][] groupings = [[], [UsageGroupBy.Day], [UsageGroupBy.Hour], [UsageGroupBy.Model], [UsageGroupBy.Day, UsageGroupBy.App, UsageGroupBy.Project], [UsageGroupBy.Provider, UsageGroupBy.Session]];
        UsageFilter[] filters =
        [
            UsageFilter.All,
            new() { Since = start.AddHours(7.5), Until = start.AddHours(80.25) },
            new() { Since = start.AddMinutes(17), Until = start.AddMinutes(43), Model = ["m-a", "m-c"] },
            new() { Model = ["m-?"], App = ["app-x"], Status = UsageStatus.Error },
            new() { Since = start.AddDays(2), Project = ["/p1"] },
            new() { Model = ["M-[ab]"], App = ["app-`x", "APP-[y-z]*"] },
        ];
        foreach (var zone in new[] { TimeZoneInfo.Utc, Minus5, Plus0530, dst })
        {
            foreach (var filter in filters)
            {
                foreach (var grouping in groupings)
                {
                    var expected = Reference(events, filter, grouping, zone);
                    var actual = temp.Store.Summarize(filter, grouping, zone).Select(Describe).ToList();
                    Assert.Equal(expected, actual);
                }
            }
        }
    }

    private static List<string> Reference(List<UsageEvent> events, UsageFilter filter, UsageGroupBy[] grouping, TimeZoneInfo zone)
    {
        var since = filter.Since?.Ticks ?? 0;
        var until = filter.Until?.Ticks ?? long.MaxValue;
        bool Like(IReadOnlyList<string>? patterns, string? value) => patterns is null || patterns.Any(p => new WildcardPattern(p).IsMatch(value));
        var byTime = grouping.Contains(UsageGroupBy.Day) || grouping.Contains(UsageGroupBy.Hour);
        return events
            .Where(e => e.Timestamp.Ticks >= since && e.Timestamp.Ticks < until && Like(filter.Model, e.Model) && Like(filter.App, e.App)
                && Like(filter.Project, e.Project) && (filter.Status is null || (filter.Status == UsageStatus.Success) == e.IsSuccess))
            .GroupBy(e =>
            {
                var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(e.Timestamp), zone);
                return (
                    Day: byTime ? local.Date : (DateTime?)null,
                    Hour: grouping.Contains(UsageGroupBy.Hour) ? new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset) : (DateTimeOffset?)null,
                    Provider: grouping.Contains(UsageGroupBy.Provider) ? e.Provider : null,
                    Model: grouping.Contains(UsageGroupBy.Model) ? e.Model : null,
                    App: grouping.Contains(UsageGroupBy.App) ? e.App : null,
                    Session: grouping.Contains(UsageGroupBy.Session) ? e.Session : null,
                    Project: grouping.Contains(UsageGroupBy.Project) ? e.Project : null);
            })
            .OrderBy(g => g.Key.Hour?.UtcTicks ?? g.Key.Day?.Ticks ?? 0)
            .ThenBy(g => g.Key.Provider, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .ThenBy(g => g.Key.App, StringComparer.Ordinal).ThenBy(g => g.Key.Session, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Project, StringComparer.Ordinal)
            .Select(g => Describe(new UsageSummaryRow
            {
                Day = g.Key.Day,
                Hour = g.Key.Hour,
                Provider = g.Key.Provider,
                Model = g.Key.Model,
                App = g.Key.App,
                Session = g.Key.Session,
                Project = g.Key.Project,
                Requests = g.Count(),
                Errors = g.Count(e => !e.IsSuccess),
                InputTokens = g.Sum(e => e.InputTokens),
                CacheReadTokens = g.Sum(e => e.CacheReadTokens),
                CacheWriteTokens = g.Sum(e => e.CacheWriteTokens),
                OutputTokens = g.Sum(e => e.OutputTokens),
                ReasoningTokens = g.Sum(e => e.ReasoningTokens),
                Cost = g.Any(e => e.Cost is not null) ? g.Sum(e => e.Cost ?? 0) : null,
                UnpricedRequests = g.Count(e => e.Cost is null),
                EstimatedRequests = g.Count(e => e.Estimated),
            }))
            .ToList();
    }

    private static string Describe(UsageSummaryRow r) =>
        $"{r.Day:yyyy-MM-dd}|{r.Hour:O}|{r.Provider}|{r.Model}|{r.App}|{r.Session}|{r.Project}|{r.Requests}|{r.Errors}|{r.InputTokens}|{r.CacheReadTokens}|{r.CacheWriteTokens}|{r.OutputTokens}|{r.ReasoningTokens}|{r.Cost}|{r.UnpricedRequests}|{r.EstimatedRequests}";

    private static void AssertRow(UsageSummaryRow row, long requests, long errors, long input, long cacheRead, long cacheWrite, long output, long reasoning, decimal? cost, long unpriced)
    {
        Assert.Equal(requests, row.Requests);
        Assert.Equal(errors, row.Errors);
        Assert.Equal(input, row.InputTokens);
        Assert.Equal(cacheRead, row.CacheReadTokens);
        Assert.Equal(cacheWrite, row.CacheWriteTokens);
        Assert.Equal(output, row.OutputTokens);
        Assert.Equal(reasoning, row.ReasoningTokens);
        Assert.Equal(cost, row.Cost);
        Assert.Equal(unpriced, row.UnpricedRequests);
    }

    private IReadOnlyList<UsageSummaryRow> Summarize(UsageFilter filter, params UsageGroupBy[] groupBy) =>
        _temp.Store.Summarize(filter, groupBy, TimeZoneInfo.Utc);

    private IReadOnlyList<UsageSummaryRow> Summarize(UsageFilter filter, TimeZoneInfo zone, params UsageGroupBy[] groupBy) =>
        _temp.Store.Summarize(filter, groupBy, zone);
}
