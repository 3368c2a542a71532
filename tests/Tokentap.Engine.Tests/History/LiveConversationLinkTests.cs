// Claude Code's calls captured live by the proxy, then its logs imported: the live events get the log's conversation,
// turn number and turn start, keep their figures, ids and positions, and summaries by turn rank them exactly.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Tests.History;

public sealed class LiveConversationLinkTests : IDisposable
{
    private const string Session = "11111111-2222-4333-8444-555555555555";
    private const string SecondSession = "56e5e22f-4656-4a35-a0fc-d749113ebb5b";

    // The user lines that start each turn in the fixture's logs (promptId changes).
    private static readonly DateTime Turn1 = new(2026, 12, 5, 23, 42, 22, 218, DateTimeKind.Utc);
    private static readonly DateTime Turn2 = new(2026, 12, 5, 23, 42, 25, 342, DateTimeKind.Utc);
    private static readonly DateTime Turn3 = new(2026, 12, 5, 23, 42, 29, 250, DateTimeKind.Utc);
    private static readonly DateTime SecondSessionTurn1 = new(2026, 12, 5, 23, 42, 32, 121, DateTimeKind.Utc);

    private readonly AgentLogFixture _fixture = new("claude");
    private readonly PriceTable _prices = PriceTable.Embedded();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Live_events_get_the_logs_conversation_turn_and_turn_start_and_keep_figures_ids_and_positions()
    {
        var live = CaptureLive(5);
        var bystander = Bystander();
        _fixture.Store.Write([bystander]);
        var tailBefore = _fixture.Store.ReadAfter(0).Events.Select(e => e.Id).ToList();
        var totalsBefore = Assert.Single(_fixture.Store.Summarize(UsageFilter.All));

        var report = _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal((5L, 0L, 5L, 5L, 0L), (report.EventsFound, report.Added, report.AlreadyCapturedLive, report.LiveEventsLinked, report.DuplicatesSkipped));
        var stored = _fixture.Stored();
        Assert.Equal(6, stored.Count);
        Assert.All(stored, e => Assert.Equal(UsageSource.Proxy, e.Source));
        Assert.Equal(
            [
                (live[0].Id, Session, 1, Turn1),
                (live[1].Id, Session, 2, Turn2),
                (live[2].Id, Session, 3, Turn3),
                (live[3].Id, Session, 3, Turn3),
                (live[4].Id, SecondSession, 1, SecondSessionTurn1),
            ],
            stored.Where(e => e.App == "claude-code").Select(e => (e.Id, e.ConversationId!, e.TurnIndex!.Value, e.TurnStart!.Value)).ToList());
        Assert.All(stored.Where(e => e.App == "claude-code"), e => Assert.Equal(DateTimeKind.Utc, e.TurnStart!.Value.Kind));

        // The figures are the proxy's, exactly as captured.
        foreach (var (truth, e) in _fixture.Truth.Zip(stored.Where(e => e.App == "claude-code")))
        {
            Assert.Equal(
                (truth.RequestId, truth.Id, truth.Input, truth.Output, truth.CacheRead, truth.CacheWrite, truth.CacheWrite1h, truth.Reasoning),
                (e.RequestId!, e.MessageId!, e.InputTokens, e.OutputTokens, e.CacheReadTokens, e.CacheWriteTokens, e.CacheWrite1hTokens, e.ReasoningTokens));
            Assert.Equal(_prices.Cost(AgentLogFixture.Live(truth, "anthropic", "claude-code", 0)), e.Cost);
        }

        // The bystander in the same chunk (a call no log names) is untouched.
        var other = Assert.Single(stored, e => e.App == "curl");
        Assert.Equal((bystander.Id, bystander.InputTokens, bystander.Timestamp), (other.Id, other.InputTokens, other.Timestamp));
        Assert.Null(other.ConversationId);
        Assert.Null(other.TurnIndex);
        Assert.Null(other.TurnStart);

        // Same positions: a live tail does not see the linked events again, and the store's totals did not move.
        Assert.Equal(6, _fixture.Store.GetLastPosition());
        Assert.Equal(tailBefore, _fixture.Store.ReadAfter(0).Events.Select(e => e.Id));
        Assert.Empty(_fixture.Store.ReadAfter(6).Events);
        var totalsAfter = Assert.Single(_fixture.Store.Summarize(UsageFilter.All));
        Assert.Equal(
            (totalsBefore.Requests, totalsBefore.InputTokens, totalsBefore.OutputTokens, totalsBefore.CacheReadTokens, totalsBefore.CacheWriteTokens, totalsBefore.Cost),
            (totalsAfter.Requests, totalsAfter.InputTokens, totalsAfter.OutputTokens, totalsAfter.CacheReadTokens, totalsAfter.CacheWriteTokens, totalsAfter.Cost));
    }

    [Fact]
    public void Summaries_by_turn_and_conversation_rank_the_live_calls_with_their_exact_costs()
    {
        var live = CaptureLive(5);
        _fixture.Import(UsageSource.ClaudeCodeLog);

        var byTurn = _fixture.Store.Summarize(new UsageFilter { Source = [UsageSource.Proxy] }, [UsageGroupBy.Turn]);
        Assert.Equal(
            [
                (Session, 1, Turn1, 1L, live[0].Cost),
                (Session, 2, Turn2, 1L, live[1].Cost),
                (Session, 3, Turn3, 2L, live[2].Cost + live[3].Cost),
                (SecondSession, 1, SecondSessionTurn1, 1L, live[4].Cost),
            ],
            byTurn.Select(r => (r.Conversation!, r.Turn!.Value, r.TurnStart!.Value, r.Requests, r.Cost)).ToList());
        var costliest = byTurn.MaxBy(r => r.Cost)!;
        Assert.Equal((Session, 3), (costliest.Conversation, costliest.Turn));
        Assert.Equal(_fixture.Truth[2].Output + _fixture.Truth[3].Output, costliest.OutputTokens);
        Assert.Equal(_fixture.Truth[2].Input + _fixture.Truth[3].Input, costliest.InputTokens);

        var byConversation = _fixture.Store.Summarize(UsageFilter.All, [UsageGroupBy.Conversation]);
        Assert.Equal(
            [
                (Session, 4L, live[0].Cost + live[1].Cost + live[2].Cost + live[3].Cost),
                (SecondSession, 1L, live[4].Cost),
            ],
            byConversation.Select(r => (r.Conversation!, r.Requests, r.Cost)).ToList());
    }

    [Fact]
    public void A_re_import_links_nothing_and_adds_nothing()
    {
        CaptureLive(5);
        _fixture.Import(UsageSource.ClaudeCodeLog);
        var linked = _fixture.Stored();

        var again = _fixture.Import(UsageSource.ClaudeCodeLog);
        Assert.Equal((0L, 0L, 0L), (again.EventsFound, again.Added, again.LiveEventsLinked));

        // Without checkpoints every line is read again: the calls still match the live events, already linked.
        File.Delete(Path.Combine(_fixture.Home, "history-checkpoints.json"));
        var reread = _fixture.Import(UsageSource.ClaudeCodeLog);
        Assert.Equal((5L, 0L, 5L, 0L, 0L), (reread.EventsFound, reread.Added, reread.AlreadyCapturedLive, reread.LiveEventsLinked, reread.DuplicatesSkipped));
        Assert.Equal(
            linked.Select(e => (e.Id, e.ConversationId, e.TurnIndex, e.TurnStart, e.InputTokens, e.Cost)),
            _fixture.Stored().Select(e => (e.Id, e.ConversationId, e.TurnIndex, e.TurnStart, e.InputTokens, e.Cost)));
        Assert.Equal(5, _fixture.Store.GetLastPosition());
    }

    [Fact]
    public void Calls_captured_live_and_calls_added_from_the_log_in_the_same_hour_are_all_linked()
    {
        // The proxy saw the first two calls only: the import adds three events to the chunk it links two in.
        var live = CaptureLive(2);

        var report = _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal((3L, 2L, 2L), (report.Added, report.AlreadyCapturedLive, report.LiveEventsLinked));
        var stored = _fixture.Stored();
        Assert.Equal(
            [
                (UsageSource.Proxy, "msg_mock_000001", Session, 1, Turn1),
                (UsageSource.Proxy, "msg_mock_000002", Session, 2, Turn2),
                (UsageSource.ClaudeCodeLog, "msg_mock_000003", Session, 3, Turn3),
                (UsageSource.ClaudeCodeLog, "msg_mock_000004", Session, 3, Turn3),
                (UsageSource.ClaudeCodeLog, "msg_mock_000005", SecondSession, 1, SecondSessionTurn1),
            ],
            stored.Select(e => (e.Source, e.MessageId!, e.ConversationId!, e.TurnIndex!.Value, e.TurnStart!.Value)).ToList());
        Assert.Equal([live[0].Id, live[1].Id], stored.Where(e => e.Source == UsageSource.Proxy).Select(e => e.Id));
        Assert.Equal(5, _fixture.Store.GetLastPosition());

        var byTurn = _fixture.Store.Summarize(UsageFilter.All, [UsageGroupBy.Turn]);
        Assert.Equal([(Session, 1, 1L), (Session, 2, 1L), (Session, 3, 2L), (SecondSession, 1, 1L)], byTurn.Select(r => (r.Conversation!, r.Turn!.Value, r.Requests)).ToList());
    }

    [Fact]
    public void WhatIf_counts_the_links_without_writing_them()
    {
        CaptureLive(5);

        var report = _fixture.Import(UsageSource.ClaudeCodeLog, whatIf: true);

        Assert.Equal((0L, 5L, 5L), (report.Added, report.AlreadyCapturedLive, report.LiveEventsLinked));
        Assert.All(_fixture.Stored(), e => Assert.Null(e.ConversationId));
        Assert.Equal(5, _fixture.Import(UsageSource.ClaudeCodeLog).LiveEventsLinked);
    }

    /// <summary>Stores what the proxy would have captured (priced, as the recorder does) for the first calls.</summary>
    private List<UsageEvent> CaptureLive(int count)
    {
        var live = _fixture.Truth.Take(count).Select((t, i) => AgentLogFixture.Live(t, "anthropic", "claude-code", i)).ToList();
        foreach (var e in live)
        {
            e.Cost = _prices.Cost(e);
            Assert.NotNull(e.Cost);
        }

        Assert.Equal(count, _fixture.Store.Write(live).Inserted);
        return live;
    }

    /// <summary>A call no log names, made in the same hour as the fixture's.</summary>
    private UsageEvent Bystander()
    {
        var other = AgentLogFixture.Live(_fixture.Truth[0], "anthropic", "curl", 3);
        other.RequestId = "req_other";
        other.MessageId = "msg_other";
        other.InputTokens = 77;
        other.Cost = _prices.Cost(other);
        return other;
    }
}
