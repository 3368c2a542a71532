// A retried write or a later import never counts an event twice; distinct exchanges never count once.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreIdempotenceTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Writing_the_same_batch_twice_stores_it_once()
    {
        var first = _temp.Store.Write(SampleEvents.All);
        Assert.Equal(new UsageWriteResult(8, 0, 1, 8), first);
        var again = _temp.Store.Write(SampleEvents.All);
        Assert.Equal(new UsageWriteResult(0, 8, 0, 0), again);
        Assert.Equal(8, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(971, _temp.Store.Summarize(UsageFilter.All).Single().InputTokens);
    }

    [Fact]
    public void Duplicates_inside_one_batch_and_across_imports_are_skipped()
    {
        var e = SampleEvents.E1;
        var retried = new UsageEvent(e.Id) { Timestamp = e.Timestamp, RequestId = "another-" + e.RequestId };
        Assert.Equal(new UsageWriteResult(1, 1, 1, 1), _temp.Store.Write([e, retried]));
        var import = _temp.Store.Import(SampleEvents.All.Concat(SampleEvents.All));
        Assert.Equal(new UsageImportResult(7, 9), import);
        Assert.Equal(8, _temp.Store.Query(UsageFilter.All).Count());
    }

    [Fact]
    public void Exchanges_that_share_a_request_id_are_all_recorded_and_a_retried_or_reimported_event_is_not()
    {
        // An upstream that reuses one request id (gateways and some OpenAI-compatible servers do) for 30 exchanges.
        var start = new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
        var exchanges = Enumerable.Range(0, 30).Select(i => new UsageEvent
        {
            Timestamp = start.AddSeconds(i),
            Provider = "openai",
            RequestId = "req-reused",
            MessageId = "chatcmpl-reused",
            InputTokens = 100 + i,
            StatusCode = 200,
        }).ToList();
        using (var recorder = new UsageRecorder(_temp.Store))
        {
            foreach (var e in exchanges)
            {
                recorder.Publish(e);
            }

            Assert.True(recorder.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal((30L, 0L), (recorder.Status.Committed, recorder.Status.Duplicates));
        }

        Assert.Equal(30, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(Enumerable.Range(0, 30).Sum(i => 100L + i), _temp.Store.Summarize(UsageFilter.All).Single().InputTokens);

        // The same events again (a retried write, a re-import of what was exported) are each known by their event id.
        var again = exchanges.Select(e => new UsageEvent(e.Id) { Timestamp = e.Timestamp, Provider = e.Provider, RequestId = e.RequestId }).ToList();
        Assert.Equal(new UsageImportResult(0, 30), _temp.Store.Import(again));
        Assert.Equal(30, _temp.Store.Query(UsageFilter.All).Count());
    }

    [Fact]
    public void The_unique_key_is_the_event_id_not_the_providers_ids()
    {
        var byMessage = new UsageEvent { Timestamp = DateTime.UnixEpoch, MessageId = "msg_1" };
        var sameMessageNewId = new UsageEvent { Timestamp = DateTime.UnixEpoch.AddSeconds(1), MessageId = "msg_1" };
        var byId = new UsageEvent { Timestamp = DateTime.UnixEpoch };
        var sameId = new UsageEvent { Id = byId.Id, Timestamp = DateTime.UnixEpoch, RequestId = "req_1" };
        Assert.Equal("id:" + byMessage.Id.ToString("N"), byMessage.UniqueKey);
        Assert.Equal(2, _temp.Store.Write([byMessage, byId]).Inserted);
        Assert.Equal(new UsageWriteResult(1, 1, 3, 3), _temp.Store.Write([sameMessageNewId, sameId]));
    }

    [Fact]
    public void A_batch_meeting_events_stored_in_other_hours_and_days_is_partly_skipped_with_exact_counts()
    {
        // 600 events over two UTC days, 12 or 13 an hour: 48 hours of chunks for the check to read.
        var day = new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);
        var stored = Enumerable.Range(0, 600).Select(i => new UsageEvent
        {
            Timestamp = day.AddMinutes(i * 4.8),
            Provider = "anthropic",
            RequestId = "stored-" + i,
            InputTokens = 1,
            StatusCode = 200,
        }).ToList();
        Assert.Equal(new UsageWriteResult(600, 0, 1, 600), _temp.Store.Write(stored));

        var brandNew = Enumerable.Range(0, 3).Select(i => new UsageEvent { Timestamp = day.AddHours(11 + (13 * i)), RequestId = "new-" + i, InputTokens = 100 }).ToList();
        UsageEvent[] batch =
        [
            // Stored at 00:48 on the 20th: the same id at 23:30 the same UTC day is the same event.
            new UsageEvent(stored[10].Id) { Timestamp = day.AddHours(23.5), RequestId = "stored-10", InputTokens = 1 },
            brandNew[0],

            // Stored on the 21st, sent again as it was.
            stored[550],
            brandNew[1],

            // Stored on the 20th: the same id on the 21st is another event.
            new UsageEvent(stored[20].Id) { Timestamp = day.AddDays(1).AddHours(2), RequestId = "stored-20-next-day", InputTokens = 100 },
            brandNew[2],

            // Repeated in the batch.
            brandNew[1],
        ];

        Assert.Equal(new UsageWriteResult(4, 3, 601, 604), _temp.Store.Write(batch));
        Assert.Equal(604, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(600 + 400, _temp.Store.Summarize(UsageFilter.All).Single().InputTokens);
        Assert.Equal(["new-0", "new-1", "new-2", "stored-20-next-day"], _temp.Store.Query(UsageFilter.All with { Since = day }).Where(e => e.InputTokens == 100).Select(e => e.RequestId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Positions_keep_growing_across_batches()
    {
        var a = _temp.Store.Write([SampleEvents.E1, SampleEvents.E2]);
        var b = _temp.Store.Write([SampleEvents.E2, SampleEvents.E3]);
        Assert.Equal((1L, 2L), (a.FirstPosition, a.LastPosition));
        Assert.Equal((3L, 3L), (b.FirstPosition, b.LastPosition));
        Assert.Equal(3, _temp.Store.GetLastPosition());
    }

    [Fact]
    public void Request_ids_that_differ_only_in_case_are_different_requests()
    {
        // Provider ids are case-sensitive base62; LiteDB compares strings ignoring case, so keys are stored as bytes.
        var upper = new UsageEvent { Timestamp = new DateTime(2026, 11, 20, 1, 0, 0, DateTimeKind.Utc), RequestId = "req_011CVabc" };
        var lower = new UsageEvent { Timestamp = new DateTime(2026, 11, 20, 2, 0, 0, DateTimeKind.Utc), RequestId = "req_011CVABC" };
        Assert.Equal(1, _temp.Store.Write([upper]).Inserted);
        Assert.Equal(new UsageWriteResult(1, 0, 2, 2), _temp.Store.Write([lower]));
        Assert.Equal(new UsageWriteResult(0, 2, 0, 0), _temp.Store.Write([lower, upper]));
        Assert.Equal(1, _temp.Store.Remove([lower]));
        Assert.Equal(["req_011CVabc"], _temp.Store.Query(UsageFilter.All).Select(e => e.RequestId));
    }

    [Fact]
    public void The_key_is_scoped_to_the_events_utc_day()
    {
        var morning = new UsageEvent { Timestamp = new DateTime(2026, 11, 20, 0, 0, 1, DateTimeKind.Utc), RequestId = "req_same" };
        var evening = new UsageEvent(morning.Id) { Timestamp = new DateTime(2026, 11, 20, 23, 59, 59, DateTimeKind.Utc), RequestId = "req_same" };
        var nextDay = new UsageEvent(morning.Id) { Timestamp = new DateTime(2026, 11, 21, 0, 0, 0, DateTimeKind.Utc), RequestId = "req_same" };

        Assert.Equal(new UsageWriteResult(1, 1, 1, 1), _temp.Store.Write([morning, evening]));
        Assert.Equal(1, _temp.Store.Write([nextDay]).Inserted);
        Assert.Equal(1, _temp.Store.Remove([evening], dryRun: true));
    }
}
