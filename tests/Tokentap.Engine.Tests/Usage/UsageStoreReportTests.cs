// Reports: weeks (culture or ISO start), months, client sessions, ccusage's 5-hour billing blocks, cache savings and
// the efficiency figures, each against hand-computed values over a seeded store.
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreReportTests : IDisposable
{
    private static readonly TimeZoneInfo Minus5 = TimeZoneInfo.CreateCustomTimeZone("Test-05:00", TimeSpan.FromHours(-5), "Test-05:00", "Test-05:00");
    private static readonly TimeZoneInfo Plus0530 = TimeZoneInfo.CreateCustomTimeZone("Test+05:30", new TimeSpan(5, 30, 0), "Test+05:30", "Test+05:30");
    private static readonly DateTime Day = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _samples = new();
    private readonly TempStore _blocks = new();

    public UsageStoreReportTests()
    {
        _samples.Store.Write(SampleEvents.All);
        _blocks.Store.Write(BlockEvents());
    }

    public void Dispose()
    {
        _samples.Dispose();
        _blocks.Dispose();
    }

    [Fact]
    public void Weeks_start_on_the_given_day_in_the_zone()
    {
        // 2026-01-10 is a Saturday. Monday weeks in UTC: E1..E5 (Jan 10, 11) in the week of Jan 5, E6..E8 in Jan 12's.
        var monday = _samples.Store.Summarize(UsageFilter.All, [UsageGroupBy.Week], TimeZoneInfo.Utc, new SummaryOptions { WeekStart = DayOfWeek.Monday });
        Assert.Equal([(new DateTime(2026, 1, 5), 5L), (new DateTime(2026, 1, 12), 3L)], monday.Select(r => (r.Week!.Value, r.Requests)));
        Assert.All(monday, r => Assert.Equal(("UTC", (DateTime?)null, (DateTime?)null), (r.TimeZone, r.Day, r.Month)));
        Assert.Equal(0.081m, monday[0].Cost);
        Assert.Equal(0.003m, monday[1].Cost);

        // Sunday weeks in UTC: E4 (Sunday Jan 11, 00:10) starts the second week.
        var sunday = _samples.Store.Summarize(UsageFilter.All, [UsageGroupBy.Week], TimeZoneInfo.Utc, new SummaryOptions { WeekStart = DayOfWeek.Sunday });
        Assert.Equal([(new DateTime(2026, 1, 4), 3L), (new DateTime(2026, 1, 11), 5L)], sunday.Select(r => (r.Week!.Value, r.Requests)));

        // In UTC-5, E4 and E5 are still Saturday: Sunday weeks split 5 / 3.
        var minus5 = _samples.Store.Summarize(UsageFilter.All, [UsageGroupBy.Week], Minus5, new SummaryOptions { WeekStart = DayOfWeek.Sunday });
        Assert.Equal([(new DateTime(2026, 1, 4), 5L), (new DateTime(2026, 1, 11), 3L)], minus5.Select(r => (r.Week!.Value, r.Requests)));

        // A :30 zone reads events instead of rollups and gives the same split as UTC for Monday weeks.
        var plus0530 = _samples.Store.Summarize(UsageFilter.All, [UsageGroupBy.Week, UsageGroupBy.Provider], Plus0530, SummaryOptions.Default);
        Assert.Equal(
            [(new DateTime(2026, 1, 5), "anthropic", 2L), (new DateTime(2026, 1, 5), "google", 1L), (new DateTime(2026, 1, 5), "openai", 2L),
             (new DateTime(2026, 1, 12), "anthropic", 2L), (new DateTime(2026, 1, 12), "openai", 1L)],
            plus0530.Select(r => (r.Week!.Value, r.Provider!, r.Requests)));
    }

    [Fact]
    public void Months_and_weeks_with_days_in_the_zone()
    {
        using var temp = new TempStore();
        temp.Store.Write([At(new DateTime(2026, 1, 31, 23, 30, 0, DateTimeKind.Utc), 100, 0.5m), At(new DateTime(2026, 2, 1, 12, 0, 0, DateTimeKind.Utc), 10, 0.25m), At(new DateTime(2026, 3, 1, 1, 0, 0, DateTimeKind.Utc), 1, null)]);

        var utc = temp.Store.Summarize(UsageFilter.All, [UsageGroupBy.Month], TimeZoneInfo.Utc);
        Assert.Equal([(new DateTime(2026, 1, 1), 100L, (decimal?)0.5m), (new DateTime(2026, 2, 1), 10L, 0.25m), (new DateTime(2026, 3, 1), 1L, null)], utc.Select(r => (r.Month!.Value, r.InputTokens, r.Cost)));

        // In UTC+5:30 the first event is on February 1st; in UTC-5 the last one is still in February.
        var plus = temp.Store.Summarize(UsageFilter.All, [UsageGroupBy.Month], Plus0530);
        Assert.Equal([(new DateTime(2026, 2, 1), 110L), (new DateTime(2026, 3, 1), 1L)], plus.Select(r => (r.Month!.Value, r.InputTokens)));
        var minus = temp.Store.Summarize(UsageFilter.All, [UsageGroupBy.Month], Minus5);
        Assert.Equal([(new DateTime(2026, 1, 1), 100L), (new DateTime(2026, 2, 1), 11L)], minus.Select(r => (r.Month!.Value, r.InputTokens)));

        // Day within month: both set, one row per day.
        var days = temp.Store.Summarize(UsageFilter.All, [UsageGroupBy.Month, UsageGroupBy.Day], TimeZoneInfo.Utc);
        Assert.Equal(
            [(new DateTime(2026, 1, 1), new DateTime(2026, 1, 31)), (new DateTime(2026, 2, 1), new DateTime(2026, 2, 1)), (new DateTime(2026, 3, 1), new DateTime(2026, 3, 1))],
            days.Select(r => (r.Month!.Value, r.Day!.Value)));
    }

    [Fact]
    public void Client_sessions_use_the_agents_id_then_the_logs_conversation_with_efficiency_figures()
    {
        var rows = _blocks.Store.Summarize(UsageFilter.All, [UsageGroupBy.ClientSession]);
        Assert.Equal([(null, 1L), ("cc-1", 2L), ("cc-2", 1L), ("codex-1", 1L)], rows.Select(r => (r.ClientSession, r.Requests)));
        var cc1 = rows[1];
        Assert.Equal((3000L, 3000L, 1000L, 1500L, (decimal?)0.30m), (cc1.InputTokens, cc1.CacheReadTokens, cc1.CacheWriteTokens, cc1.OutputTokens, cc1.Cost));
        Assert.Equal(0.15m, cc1.CostPerRequest);
        Assert.Equal(1500 / 7000.0, cc1.OutputInputRatio);
        Assert.Equal(0.75, cc1.CacheLeverage);
        Assert.Null(cc1.Session);
        Assert.Null(cc1.Conversation);

        // No cache reads and no paid prompt: leverage 0 and null; an unknown cost gives no cost per request.
        Assert.Equal(0.0, rows[2].CacheLeverage);
        Assert.Equal(0.06m, rows[2].CostPerRequest);
        Assert.Null(rows[3].CostPerRequest);
        Assert.Equal(1.0, rows[3].OutputInputRatio);
    }

    [Fact]
    public void Blocks_start_on_the_hour_last_five_hours_and_project_the_active_one()
    {
        var now = Day.AddHours(18);
        var rows = _blocks.Store.Summarize(UsageFilter.All, [UsageGroupBy.Block], TimeZoneInfo.Utc, new SummaryOptions { NowUtc = now });
        Assert.Equal(2, rows.Count);

        // 10:20, 10:50 and 14:30 (4.5 h after 10:00): one block 10:00-15:00; 15:10 is past its end and starts 15:00.
        var first = rows[0];
        Assert.Equal((Day.AddHours(10), Day.AddHours(15), Day.AddMinutes(620), Day.AddMinutes(870)), (first.BlockStart!.Value, first.BlockEnd!.Value, first.FirstRequest!.Value, first.LastRequest!.Value));
        Assert.Equal((3L, 9500L, (decimal?)0.36m, (bool?)false), (first.Requests, first.TotalTokens, first.Cost, first.IsActive));
        Assert.Equal(38.0, first.TokensPerMinute); // 9500 tokens over the 250 minutes from 10:20 to 14:30
        Assert.Equal(0.0864m, first.CostPerHour); // $0.36 / 250 min * 60
        Assert.Null(first.ProjectedCost);

        var second = rows[1];
        Assert.Equal((Day.AddHours(15), Day.AddHours(20), (bool?)true), (second.BlockStart!.Value, second.BlockEnd!.Value, second.IsActive));
        Assert.Equal((2L, 2200L, (decimal?)0.11m, 1L), (second.Requests, second.TotalTokens, second.Cost, second.UnpricedRequests));
        Assert.Equal(20.0, second.TokensPerMinute); // 2200 tokens over 110 minutes (15:10 to 17:00)
        Assert.Equal(0.06m, second.CostPerHour);
        Assert.Equal(0.23m, second.ProjectedCost); // $0.11 + $0.06/h over the 120 minutes left at 18:00
        Assert.All(rows, r => Assert.Equal(DateTimeKind.Utc, r.BlockStart!.Value.Kind));

        // Five hours after the last request the block has ended; its blocks' rows split by model share the span.
        var later = _blocks.Store.Summarize(UsageFilter.All, [UsageGroupBy.Block, UsageGroupBy.Model], TimeZoneInfo.Utc, new SummaryOptions { NowUtc = Day.AddHours(22) });
        Assert.Equal(
            [(Day.AddHours(10), "claude-sonnet-4-5", 3L), (Day.AddHours(15), "claude-sonnet-4-5", 1L), (Day.AddHours(15), "gpt-unknown-x", 1L)],
            later.Select(r => (r.BlockStart!.Value, r.Model!, r.Requests)));
        Assert.All(later, r => Assert.Equal((bool?)false, r.IsActive));
        Assert.Equal(2000 / 110.0, later[1].TokensPerMinute);
        Assert.Null(later[2].CostPerHour);
    }

    [Fact]
    public void Cache_savings_against_the_full_input_price_per_model_and_in_total()
    {
        var prices = PriceTable.Embedded();
        var options = new SummaryOptions { CacheSavings = e => CacheSavings.Of(prices, e) };
        var byModel = _blocks.Store.Summarize(UsageFilter.All, [UsageGroupBy.Model], TimeZoneInfo.Utc, options);

        // claude-sonnet-4-5: input $3, cache read $0.30, 5 minute write $3.75, 1 hour write $6 per million.
        // Reads: 3000 x (3 - 0.30) = $0.0081. Writes: 600 x (3.75 - 3) + 400 x (6 - 3) = $0.00165.
        var sonnet = byModel.Single(r => r.Model == "claude-sonnet-4-5");
        Assert.Equal((0.0081m, 0.00165m, 0.00645m), (sonnet.CacheReadSavings!.Value, sonnet.CacheWriteExtraCost!.Value, sonnet.NetCacheSavings!.Value));

        // An unknown price is unknown, not zero.
        var unknown = byModel.Single(r => r.Model == "gpt-unknown-x");
        Assert.Equal(((decimal?)null, (decimal?)null, (decimal?)null), (unknown.CacheReadSavings, unknown.CacheWriteExtraCost, unknown.NetCacheSavings));

        var total = Assert.Single(_blocks.Store.Summarize(UsageFilter.All, [], TimeZoneInfo.Utc, options));
        Assert.Equal((0.0081m, 0.00165m), (total.CacheReadSavings!.Value, total.CacheWriteExtraCost!.Value));

        // Without the option nothing is computed; a model with a price and no cache saved exactly nothing.
        Assert.Null(Assert.Single(_blocks.Store.Summarize(UsageFilter.All)).CacheReadSavings);
        var noCache = Assert.Single(_blocks.Store.Summarize(new UsageFilter { Since = Day.AddMinutes(650), Until = Day.AddMinutes(651) }, [], TimeZoneInfo.Utc, options));
        Assert.Equal((0m, 0m), (noCache.CacheReadSavings!.Value, noCache.CacheWriteExtraCost!.Value));
    }

    [Fact]
    public void Cache_savings_use_the_long_context_rates_of_a_long_request()
    {
        // claude-sonnet-4-5 above 200,000 prompt tokens: input $6, cache read $0.60 per million.
        var usage = At(Day, 150_000, 1m);
        usage.Model = "claude-sonnet-4-5";
        usage.CacheReadTokens = 100_000;
        var saved = CacheSavings.Of(PriceTable.Embedded(), usage);
        Assert.Equal((0.54m, 0m), saved);
    }

    /// <summary>Five events of 2026-03-02 (UTC) making two billing blocks; see the tests for the hand computations.</summary>
    private static UsageEvent[] BlockEvents()
    {
        var b1 = Event("b1", Day.AddMinutes(620), input: 1000, output: 500, cost: 0.10m, clientSession: "cc-1");
        b1.CacheReadTokens = 3000;
        b1.CacheWriteTokens = 1000;
        b1.CacheWrite1hTokens = 400;
        var b2 = Event("b2", Day.AddMinutes(650), input: 2000, output: 1000, cost: 0.20m, clientSession: "cc-1");
        var b3 = Event("b3", Day.AddMinutes(870), input: 600, output: 400, cost: 0.06m, clientSession: null);
        b3.ConversationId = "cc-2";
        var b4 = Event("b4", Day.AddMinutes(910), input: 100, output: 100, cost: null, clientSession: "codex-1");
        b4.Model = "gpt-unknown-x";
        var b5 = Event("b5", Day.AddHours(17), input: 1500, output: 500, cost: 0.11m, clientSession: null);
        return [b1, b2, b3, b4, b5];
    }

    private static UsageEvent Event(string id, DateTime at, long input, long output, decimal? cost, string? clientSession) => new()
    {
        Timestamp = at,
        Provider = "anthropic",
        Host = "api.anthropic.com",
        Endpoint = "messages",
        Model = "claude-sonnet-4-5",
        InputTokens = input,
        OutputTokens = output,
        Cost = cost,
        StatusCode = 200,
        App = "claude-code",
        ClientSessionId = clientSession,
        RequestId = id,
    };

    private static UsageEvent At(DateTime at, long input, decimal? cost) => Event("m" + at.Ticks, at, input, 0, cost, null);
}
