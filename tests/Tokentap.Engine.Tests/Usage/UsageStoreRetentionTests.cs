// Retention: removing events before a date (with filters), the dry run, removal by key, and rollups kept in step.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreRetentionTests : IDisposable
{
    private readonly TempStore _temp = new();

    public UsageStoreRetentionTests() => _temp.Store.Write(SampleEvents.All);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Dry_run_counts_and_removes_nothing()
    {
        var before = new DateTime(2026, 1, 11, 0, 10, 0, DateTimeKind.Utc);
        Assert.Equal(3, _temp.Store.Remove(before, dryRun: true));
        Assert.Equal(8, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(8, _temp.Store.Query(UsageFilter.All).Count());
    }

    [Fact]
    public void Removes_strictly_before_the_date_and_updates_summaries()
    {
        // E4 is exactly at the cut-off and stays.
        var before = new DateTime(2026, 1, 11, 0, 10, 0, DateTimeKind.Utc);
        Assert.Equal(3, _temp.Store.Remove(before));
        Assert.Equal([4, 5, 6, 7, 8], _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(SampleEvents.NumberOf));
        var row = Assert.Single(_temp.Store.Summarize(UsageFilter.All));
        Assert.Equal(5, row.Requests);
        Assert.Equal(561, row.InputTokens);
        Assert.Equal(0.023m, row.Cost);
        Assert.Equal(["gemini-2.5-pro", "gpt-5-mini"], _temp.Store.Summarize(new UsageFilter { Provider = ["google", "openai"] }, [UsageGroupBy.Model], TimeZoneInfo.Utc).Select(r => r.Model).OfType<string>());
        Assert.Equal(["claude-sonnet-4-5", "gemini-2.5-pro", "gpt-5-mini"], _temp.Store.GetValues(UsageField.Model));
        Assert.Equal(["claude-code", "codex", "curl", "gemini-cli"], _temp.Store.GetValues(UsageField.App));
    }

    [Fact]
    public void Filters_narrow_the_removal()
    {
        var before = new DateTime(2026, 1, 13, 0, 0, 0, DateTimeKind.Utc);
        var filter = new UsageFilter { Provider = ["anthropic"] };
        Assert.Equal(3, _temp.Store.Remove(before, filter, dryRun: true));
        Assert.Equal(3, _temp.Store.Remove(before, filter));
        Assert.Equal([3, 4, 5, 7, 8], _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(SampleEvents.NumberOf));
        Assert.Equal(0, _temp.Store.Remove(before, filter));

        // An Until earlier than Before wins.
        Assert.Equal(1, _temp.Store.Remove(before, new UsageFilter { Until = new DateTime(2026, 1, 11, 0, 0, 0, DateTimeKind.Utc) }));
        Assert.Equal([4, 5, 7, 8], _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).Select(SampleEvents.NumberOf));
    }

    [Fact]
    public void Removing_by_unique_key_takes_events_out_of_rollups()
    {
        Assert.Equal(2, _temp.Store.Remove([SampleEvents.E7, SampleEvents.E1, new UsageEvent { RequestId = "unknown", Timestamp = SampleEvents.E1.Timestamp }], dryRun: true));
        Assert.Equal(2, _temp.Store.Remove([SampleEvents.E7, SampleEvents.E1, new UsageEvent { RequestId = "unknown", Timestamp = SampleEvents.E1.Timestamp }]));
        var sonnet = Assert.Single(_temp.Store.Summarize(new UsageFilter { Model = ["claude-sonnet-4-5"] }));
        Assert.Equal(1, sonnet.Requests);
        Assert.Equal(6, _temp.Store.Count(UsageFilter.All));
    }

    [Fact]
    public void A_large_removal_runs_in_chunks()
    {
        var start = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        _temp.Store.Import(Enumerable.Range(0, 4500).Select(i => new UsageEvent { Timestamp = start.AddSeconds(i * 7), RequestId = "old-" + i, Provider = "openai", InputTokens = 2 }));
        Assert.Equal(4500, _temp.Store.Remove(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(8, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(971, _temp.Store.Summarize(UsageFilter.All).Single().InputTokens);
    }
}
