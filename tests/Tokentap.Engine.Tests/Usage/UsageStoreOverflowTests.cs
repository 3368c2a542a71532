// Absurd usage numbers: refused where events enter the recorder (the event kept and flagged), and sums that saturate
// instead of wrapping when such numbers are already stored.
using LiteDB.Engine;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreOverflowTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc);

    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Token_numbers_beyond_the_bound_are_not_trusted_and_the_event_says_why()
    {
        var atBound = Event(0, input: 100_000_000, output: 100_000_000, cost: 2000m);
        var absurd = Event(1, input: long.MaxValue, output: 5, cost: 5.6e14m);
        var negative = Event(2, input: 10, output: -3, cost: 0.1m);
        negative.Error = "upstream said 500";
        var justAbove = Event(3, input: 10, output: 10, cost: 0.1m);
        justAbove.CacheReadTokens = 100_000_001;
        using (var recorder = new UsageRecorder(_temp.Store))
        {
            foreach (var e in new[] { atBound, absurd, negative, justAbove })
            {
                recorder.Publish(e);
            }

            Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal(4L, recorder.Status.Committed);
        }

        var stored = _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).ToList();
        Assert.Equal(4, stored.Count);
        Assert.Equal((100_000_000L, 100_000_000L, 2000m, (string?)null), (stored[0].InputTokens, stored[0].OutputTokens, stored[0].Cost, stored[0].Error));
        foreach (var refused in stored.Skip(1))
        {
            Assert.Equal((0L, 0L, 0L, 0L, 0L, 0L), (refused.InputTokens, refused.CacheReadTokens, refused.CacheWriteTokens, refused.CacheWrite1hTokens, refused.OutputTokens, refused.ReasoningTokens));
            Assert.Null(refused.Cost);
            Assert.False(refused.IsSuccess);
        }

        Assert.Equal("Unreadable usage: InputTokens 9223372036854775807 is beyond 100000000 tokens; token numbers not kept.", stored[1].Error);
        Assert.Equal("upstream said 500; Unreadable usage: OutputTokens -3 is negative; token numbers not kept.", stored[2].Error);
        Assert.Equal("Unreadable usage: CacheReadTokens 100000001 is beyond 100000000 tokens; token numbers not kept.", stored[3].Error);

        var total = Assert.Single(_temp.Store.Summarize(UsageFilter.All));
        Assert.Equal((4L, 3L, 100_000_000L, 100_000_000L, 2000m, 3L), (total.Requests, total.Errors, total.InputTokens, total.OutputTokens, total.Cost, total.UnpricedRequests));
    }

    [Fact]
    public void Sums_of_absurd_numbers_already_stored_saturate_and_say_so_instead_of_wrapping()
    {
        // What an earlier version stored: int64.MaxValue fields and a huge cost, one event per hour so no stored rollup
        // row has wrapped; written below the recorder, as that version did.
        var stored = new[]
        {
            Event(0, input: long.MaxValue, output: long.MaxValue, cost: 5e28m),
            Event(1, input: long.MaxValue, output: 1, cost: 5e28m),
            Event(2, input: 100, output: 10, cost: 5e28m),
        };
        _temp.Store.ReadSchemaVersion();
        _temp.Store.Dispose();
        using (var engine = new LiteEngine(new EngineSettings { Filename = _temp.DatabasePath }))
        {
            UsageWriter.Insert(engine, stored);
        }

        using var store = new UsageStore(_temp.DatabasePath);
        // Whole hours (rollup rows) and partial hours (raw events) both add up without wrapping.
        foreach (var filter in new[] { UsageFilter.All, UsageFilter.All with { Since = Start.AddMinutes(1), Until = Start.AddHours(2).AddMinutes(59) } })
        {
            var row = Assert.Single(store.Summarize(filter));
            Assert.Equal(3, row.Requests);
            Assert.Equal(long.MaxValue, row.InputTokens);
            Assert.Equal(long.MaxValue, row.OutputTokens);
            Assert.Equal(long.MaxValue, row.TotalTokens);
            Assert.Equal(decimal.MaxValue, row.Cost);
            Assert.True(row.Saturated);
        }

        var sane = Assert.Single(store.Summarize(UsageFilter.All with { Since = Start.AddHours(2) }));
        Assert.Equal((100L, 10L, 110L, false), (sane.InputTokens, sane.OutputTokens, sane.TotalTokens, sane.Saturated));
    }

    private static UsageEvent Event(int n, long input, long output, decimal cost) => new()
    {
        Timestamp = Start.AddHours(n).AddMinutes(30),
        Provider = "openai",
        Model = "gpt-5",
        InputTokens = input,
        OutputTokens = output,
        Cost = cost,
        StatusCode = 200,
        RequestId = "overflow-" + n,
    };
}
