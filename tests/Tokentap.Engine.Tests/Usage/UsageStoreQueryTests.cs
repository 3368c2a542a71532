// Query filters, wildcards, order and Last N against the hand-made sample events.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreQueryTests : IDisposable
{
    private readonly TempStore _temp = new();

    public UsageStoreQueryTests() => _temp.Store.Write(SampleEvents.All);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void All_events_newest_first_by_default_and_oldest_first_on_request()
    {
        Assert.Equal([8, 7, 6, 5, 4, 3, 2, 1], Numbers(UsageFilter.All));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], Numbers(UsageFilter.All, UsageOrder.OldestFirst));
    }

    [Fact]
    public void Since_is_inclusive_and_until_exclusive()
    {
        var filter = new UsageFilter
        {
            Since = new DateTime(2026, 1, 10, 23, 30, 0, DateTimeKind.Utc),
            Until = new DateTime(2026, 1, 12, 12, 0, 0, DateTimeKind.Utc),
        };
        Assert.Equal([3, 4, 5], Numbers(filter, UsageOrder.OldestFirst));
    }

    [Fact]
    public void Local_times_are_converted_to_utc()
    {
        var since = new DateTime(2026, 1, 13, 8, 0, 0, DateTimeKind.Utc).ToLocalTime();
        Assert.Equal(DateTimeKind.Local, since.Kind);
        Assert.Equal([7, 8], Numbers(new UsageFilter { Since = since }, UsageOrder.OldestFirst));
    }

    [Theory]
    [InlineData("claude-*", new[] { 7, 6, 2, 1 })]
    [InlineData("CLAUDE-SONNET-4-5", new[] { 7, 6, 1 })]
    [InlineData("gpt-5?mini", new[] { 4 })]
    [InlineData("gpt-5", new[] { 3 })]
    [InlineData("*-pro", new[] { 5 })]
    [InlineData("*", new[] { 8, 7, 6, 5, 4, 3, 2, 1 })]
    [InlineData("claude-?", new int[0])]
    public void Model_patterns(string pattern, int[] expected) =>
        Assert.Equal(expected, Numbers(new UsageFilter { Model = [pattern] }));

    [Fact]
    public void Label_filters_combine_with_and_and_their_values_with_or()
    {
        Assert.Equal([8, 4, 3], Numbers(new UsageFilter { Provider = ["open*"] }));
        Assert.Equal([7, 6, 5, 2, 1], Numbers(new UsageFilter { Provider = ["anthropic", "google"] }));
        Assert.Equal([7, 2, 1], Numbers(new UsageFilter { App = ["claude-code"] }));
        Assert.Equal([6, 5], Numbers(new UsageFilter { Session = ["s3"] }));
        Assert.Equal([4, 3], Numbers(new UsageFilter { Project = ["/p/b"] }));
        Assert.Equal([7, 1], Numbers(new UsageFilter { App = ["claude-code"], Model = ["*sonnet*"] }));
        Assert.Equal([6], Numbers(new UsageFilter { Provider = ["anthropic"], Status = UsageStatus.Error }));
    }

    [Fact]
    public void Status_uses_is_success()
    {
        Assert.Equal([6, 5], Numbers(new UsageFilter { Status = UsageStatus.Error }));
        Assert.Equal([8, 7, 4, 3, 2, 1], Numbers(new UsageFilter { Status = UsageStatus.Success }));
    }

    [Fact]
    public void Last_n_takes_the_most_recent_in_the_requested_order()
    {
        Assert.Equal([8, 7, 6], Numbers(UsageFilter.All, UsageOrder.NewestFirst, 3));
        Assert.Equal([6, 7, 8], Numbers(UsageFilter.All, UsageOrder.OldestFirst, 3));
        Assert.Equal([7, 6], Numbers(new UsageFilter { Model = ["claude-*"] }, UsageOrder.NewestFirst, 2));
        Assert.Equal([3, 4], Numbers(new UsageFilter { Until = new DateTime(2026, 1, 11, 1, 0, 0, DateTimeKind.Utc) }, UsageOrder.OldestFirst, 2));
        Assert.Empty(Numbers(UsageFilter.All, UsageOrder.NewestFirst, 0));
    }

    [Fact]
    public void Results_stream_page_by_page()
    {
        // 5,000 more events: taking the first three must not read them all, and an enumerator holds no lock between
        // pages (a write from this thread succeeds while the enumeration is open).
        var extra = Enumerable.Range(0, 5000).Select(i => new UsageEvent
        {
            Timestamp = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i),
            Provider = "openai",
            RequestId = "bulk-" + i,
        }).ToList();
        _temp.Store.Import(extra);
        using var enumerator = _temp.Store.Query(UsageFilter.All).GetEnumerator();
        Assert.True(enumerator.MoveNext());
        Assert.Equal("bulk-4999", enumerator.Current.RequestId);
        _temp.Store.Write([new UsageEvent { Timestamp = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), RequestId = "while-reading" }]);
        var count = 1;
        while (enumerator.MoveNext())
        {
            count++;
        }

        Assert.Equal(5000 + 8 + 1, count);
    }

    [Fact]
    public void Stored_events_round_trip_every_field()
    {
        var stored = _temp.Store.Query(UsageFilter.All, UsageOrder.OldestFirst).ToList();
        var expected = SampleEvents.All;
        Assert.Equal(expected.Length, stored.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            UsageEventStorageTests.AssertSameEvent(expected[i], stored[i]);
        }
    }

    [Fact]
    public void Distinct_label_values_for_completion()
    {
        Assert.Equal(["anthropic", "google", "openai"], _temp.Store.GetValues(UsageField.Provider));
        Assert.Equal(["claude-haiku-4-5", "claude-sonnet-4-5", "gemini-2.5-pro", "gpt-5", "gpt-5-mini"], _temp.Store.GetValues(UsageField.Model));
        Assert.Equal(["claude-code", "codex", "curl", "gemini-cli"], _temp.Store.GetValues(UsageField.App));
        Assert.Equal(["s1", "s2", "s3"], _temp.Store.GetValues(UsageField.Session));
        Assert.Equal(["/p/a", "/p/b"], _temp.Store.GetValues(UsageField.Project));
    }

    private int[] Numbers(UsageFilter filter, UsageOrder order = UsageOrder.NewestFirst, int? last = null) =>
        _temp.Store.Query(filter, order, last).Select(SampleEvents.NumberOf).ToArray();
}
