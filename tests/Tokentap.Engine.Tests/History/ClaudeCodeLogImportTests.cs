// Claude Code 2.1.197's real session logs imported: the events equal what the mock billed, turns and conversations are
// linked, a live capture of the same calls is never doubled, and re-imports, appends, rewrites and damage are safe.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Tests.History;

public sealed class ClaudeCodeLogImportTests : IDisposable
{
    private const string Session = "11111111-2222-4333-8444-555555555555";
    private const string SecondSession = "56e5e22f-4656-4a35-a0fc-d749113ebb5b";
    private readonly AgentLogFixture _fixture = new("claude");

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Imported_events_equal_the_mocks_ground_truth_one_per_response()
    {
        var report = _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal(2, report.Files);
        Assert.Equal(2, report.FilesRead);
        Assert.Equal(5, report.EventsFound);
        Assert.Equal(5, report.Added);
        Assert.Equal(0, report.DuplicatesSkipped);
        Assert.Equal(0, report.AlreadyCapturedLive);
        Assert.Equal(0, report.SkippedLines);
        Assert.Equal(0, report.Estimated);

        var stored = _fixture.Stored();
        Assert.Equal(5, _fixture.Truth.Count);
        Assert.Equal(_fixture.Truth.Select(t => t.Id), stored.Select(e => e.MessageId));
        foreach (var (truth, e) in _fixture.Truth.Zip(stored))
        {
            Assert.Equal(truth.RequestId, e.RequestId);
            Assert.Equal(truth.Model, e.Model);
            Assert.Equal(truth.Input, e.InputTokens);
            Assert.Equal(truth.Output, e.OutputTokens);
            Assert.Equal(truth.CacheRead, e.CacheReadTokens);
            Assert.Equal(truth.CacheWrite, e.CacheWriteTokens);
            Assert.Equal(truth.CacheWrite1h, e.CacheWrite1hTokens);
            Assert.Equal(UsageSource.ClaudeCodeLog, e.Source);
            Assert.Equal("claude-code", e.App);
            Assert.Equal("2.1.197", e.AppVersion);
            Assert.Equal("anthropic", e.Provider);
            Assert.Equal("/home/user/project", e.Project);
            Assert.False(e.Estimated);
            Assert.NotNull(e.Cost);
            Assert.Equal(PriceTable.Embedded().Cost(AgentLogFixture.Live(truth, "anthropic", "claude-code", 0)), e.Cost);
        }
    }

    [Fact]
    public void Each_call_keeps_its_conversation_and_the_user_turn_that_caused_it()
    {
        _fixture.Import(UsageSource.ClaudeCodeLog);
        var links = _fixture.Stored().Select(e => (e.MessageId, e.ConversationId, e.TurnIndex)).ToList();

        // Turn 3 asked for a file: the Read tool call and the answer after it are two requests of the same turn.
        Assert.Equal(
            [
                ("msg_mock_000001", Session, 1),
                ("msg_mock_000002", Session, 2),
                ("msg_mock_000003", Session, 3),
                ("msg_mock_000004", Session, 3),
                ("msg_mock_000005", SecondSession, 1),
            ],
            links.Select(l => (l.MessageId!, l.ConversationId!, l.TurnIndex!.Value)).ToList());
        var turn3 = _fixture.Stored().Where(e => e.TurnIndex == 3).Select(e => e.TurnStart).Distinct().Single();
        Assert.Equal(new DateTime(2026, 12, 5, 23, 42, 29, 250, DateTimeKind.Utc), turn3);

        var byTurn = _fixture.Store.Summarize(new UsageFilter { Source = [UsageSource.ClaudeCodeLog] }, [UsageGroupBy.Turn]);
        Assert.Equal(4, byTurn.Count);
        var costliest = byTurn.OrderByDescending(r => r.TotalTokens).First();
        Assert.Equal((Session, 3, 2L), (costliest.Conversation, costliest.Turn, costliest.Requests));
        Assert.Equal(_fixture.Truth[2].Output + _fixture.Truth[3].Output, costliest.OutputTokens);

        var byConversation = _fixture.Store.Summarize(UsageFilter.All, [UsageGroupBy.Conversation]);
        Assert.Equal([(Session, 4L), (SecondSession, 1L)], byConversation.OrderBy(r => r.Conversation == SecondSession).Select(r => (r.Conversation!, r.Requests)).ToList());
    }

    [Fact]
    public void Calls_the_proxy_captured_live_are_not_added_again_and_the_comparison_is_exact()
    {
        var live = _fixture.Truth.Select((t, i) => AgentLogFixture.Live(t, "anthropic", "claude-code", i)).ToList();
        _fixture.Store.Write(live);

        var report = _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal(5, report.EventsFound);
        Assert.Equal(0, report.Added);
        Assert.Equal(5, report.AlreadyCapturedLive);
        Assert.Equal(5, report.MatchedRequests);
        Assert.Equal(0, report.InputDifferencePercent);
        Assert.Equal("the logs matched the proxy exactly on 5 requests", report.Comparison);
        var stored = _fixture.Stored();
        Assert.Equal(5, stored.Count);
        Assert.All(stored, e => Assert.Equal(UsageSource.Proxy, e.Source));
        Assert.Empty(_fixture.Store.Query(new UsageFilter { Source = [UsageSource.ClaudeCodeLog] }));
    }

    [Fact]
    public void The_difference_on_requests_both_saw_is_reported_exactly()
    {
        // The proxy saw two of the calls and billed more input and output than the log says (as when a client logs a
        // stream's start): request 1 with 3 x the input, request 2 with 10 more output tokens.
        var first = AgentLogFixture.Live(_fixture.Truth[0], "anthropic", "claude-code", 0);
        first.InputTokens *= 3;
        var second = AgentLogFixture.Live(_fixture.Truth[1], "anthropic", "claude-code", 1);
        second.OutputTokens += 10;
        _fixture.Store.Write([first, second]);

        var report = _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal(3, report.Added);
        Assert.Equal(2, report.AlreadyCapturedLive);
        Assert.Equal(_fixture.Truth[0].Input + _fixture.Truth[1].Input, report.LogInputTokens);
        Assert.Equal((3 * _fixture.Truth[0].Input) + _fixture.Truth[1].Input, report.ProxyInputTokens);
        Assert.Equal(_fixture.Truth[0].Output + _fixture.Truth[1].Output, report.LogOutputTokens);
        Assert.Equal(_fixture.Truth[0].Output + _fixture.Truth[1].Output + 10, report.ProxyOutputTokens);

        // (1007 + 1014) - (3021 + 1014) = -2014 of 4035: -49.9 %; output (51 + 52) - 113 = -10 of 113: -8.8 %.
        Assert.Equal(-49.9, report.InputDifferencePercent);
        Assert.Equal(-8.8, report.OutputDifferencePercent);
        Assert.Equal(0, report.CacheDifferencePercent);
        Assert.Equal("the logs under-counted input by 49.9 %, under-counted output by 8.8 % on 2 requests", report.Comparison);
        Assert.Equal(5, _fixture.Stored().Count);
    }

    [Fact]
    public void A_second_import_reads_nothing_and_adds_nothing()
    {
        _fixture.Import(UsageSource.ClaudeCodeLog);
        var again = _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal(2, again.Files);
        Assert.Equal(0, again.FilesRead);
        Assert.Equal(0, again.EventsFound);
        Assert.Equal(0, again.Added);
        Assert.Equal(5, _fixture.Stored().Count);
    }

    [Fact]
    public void Without_its_checkpoints_a_second_import_reads_every_line_again_and_adds_nothing()
    {
        Assert.Equal(5, _fixture.Import(UsageSource.ClaudeCodeLog).Added);
        File.Delete(Path.Combine(_fixture.Home, "history-checkpoints.json"));

        var whatIf = _fixture.Import(UsageSource.ClaudeCodeLog, whatIf: true);
        Assert.Equal((2, 5L, 0L, 5L), (whatIf.FilesRead, whatIf.EventsFound, whatIf.Added, whatIf.DuplicatesSkipped));
        var again = _fixture.Import(UsageSource.ClaudeCodeLog);
        Assert.Equal((2, 5L, 0L, 5L), (again.FilesRead, again.EventsFound, again.Added, again.DuplicatesSkipped));
        Assert.Equal(5, _fixture.Stored().Count);
    }

    [Fact]
    public void An_appended_file_adds_only_the_new_lines()
    {
        var file = _fixture.LogFile(Session);
        var lines = File.ReadAllLines(file);
        var cut = Array.FindIndex(lines, l => l.Contains("\"promptId\"", StringComparison.Ordinal) && l.Contains("TOOL", StringComparison.Ordinal));
        File.WriteAllText(file, string.Join('\n', lines[..cut]) + "\n");
        var first = _fixture.Import(UsageSource.ClaudeCodeLog);
        Assert.Equal(3, first.Added);

        File.AppendAllText(file, string.Join('\n', lines[cut..]) + "\n");
        var second = _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal(1, second.FilesRead);
        Assert.Equal(0, second.FilesReread);
        Assert.Equal(2, second.EventsFound);
        Assert.Equal(2, second.Added);
        Assert.Equal(0, second.DuplicatesSkipped);

        // The turn count carried over in the checkpoint: the appended turn is still turn 3.
        Assert.Equal([3, 3], _fixture.Stored().Where(e => e.MessageId is "msg_mock_000003" or "msg_mock_000004").Select(e => e.TurnIndex!.Value));
    }

    [Fact]
    public void A_truncated_or_rewritten_file_is_read_again_without_counting_twice()
    {
        _fixture.Import(UsageSource.ClaudeCodeLog);
        var file = _fixture.LogFile(Session);
        var lines = File.ReadAllLines(file);

        // Truncated to its first half: smaller than the checkpoint's offset.
        File.WriteAllText(file, string.Join('\n', lines[..(lines.Length / 2)]) + "\n");
        var truncated = _fixture.Import(UsageSource.ClaudeCodeLog);
        Assert.Equal(1, truncated.FilesReread);
        Assert.Equal(0, truncated.Added);
        Assert.True(truncated.DuplicatesSkipped > 0);

        // Rewritten with a different head and more lines than before: read from the start, nothing doubled.
        File.WriteAllText(file, "{\"type\":\"summary\",\"summary\":\"Greetings\",\"leafUuid\":\"x\"}\n" + string.Join('\n', lines) + "\n");
        var rewritten = _fixture.Import(UsageSource.ClaudeCodeLog);
        Assert.Equal(1, rewritten.FilesReread);
        Assert.Equal(0, rewritten.Added);
        Assert.Equal(4, rewritten.DuplicatesSkipped);
        Assert.Equal(5, _fixture.Stored().Count);
    }

    [Fact]
    public void Unknown_and_damaged_lines_are_counted_and_skipped()
    {
        var file = _fixture.LogFile(SecondSession);
        File.AppendAllText(file, string.Join('\n',
            "not json at all",
            "{\"type\":\"hologram\",\"sessionId\":\"" + SecondSession + "\"}",
            "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_x\",\"model\":\"claude-opus-4-8\"},\"requestId\":\"req_x\"}",
            "[1,2,3]",
            "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_y\",\"usage\":{\"input_tokens\":\"many\"}},\"requestId\":\"req_y\"}",
            "") + "\n");

        var report = _fixture.Import(UsageSource.ClaudeCodeLog);

        // The last line's unreadable number is read as 0, like a missing one: a call with an id is kept.
        Assert.Equal(4, report.SkippedLines);
        Assert.Equal(6, report.Added);
    }

    [Fact]
    public void A_response_logged_before_its_stream_ended_is_flagged_Estimated_with_the_reason()
    {
        // Claude Code 2.1.197 writes after the stream's end (the fixture's placeholder turn is logged complete), so the
        // partial form of older versions is made from a real line: no stop_reason, message_start's placeholder output.
        var file = _fixture.LogFile(SecondSession);
        var line = File.ReadAllLines(file).Single(l => l.Contains("\"msg_mock_000005\"", StringComparison.Ordinal));
        var partial = line.Replace("msg_mock_000005", "msg_partial", StringComparison.Ordinal)
            .Replace("req_mock_anthropic_000005", "req_partial", StringComparison.Ordinal)
            .Replace("\"stop_reason\":\"end_turn\"", "\"stop_reason\":null", StringComparison.Ordinal)
            .Replace("\"output_tokens\":55", "\"output_tokens\":1", StringComparison.Ordinal);
        Assert.NotEqual(line, partial);
        File.AppendAllText(file, partial + "\n");

        var report = _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal((6L, 1L), (report.Added, report.Estimated));
        var estimated = Assert.Single(_fixture.Stored(), e => e.Estimated);
        Assert.Equal(("msg_partial", 1L), (estimated.MessageId, estimated.OutputTokens));
        Assert.StartsWith("Claude Code logged this response before its stream ended", estimated.EstimatedReason, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(_fixture.Store.Summarize(new UsageFilter { Source = [UsageSource.ClaudeCodeLog] })).EstimatedRequests);
    }

    [Fact]
    public void WhatIf_counts_without_writing_events_or_checkpoints()
    {
        var report = _fixture.Import(UsageSource.ClaudeCodeLog, whatIf: true);

        Assert.True(report.WhatIf);
        Assert.Equal(5, report.Added);
        Assert.Empty(_fixture.Stored());
        Assert.False(File.Exists(Path.Combine(_fixture.Home, "history-checkpoints.json")));
        Assert.Equal(5, _fixture.Import(UsageSource.ClaudeCodeLog).Added);
    }

    [Fact]
    public void A_stopped_import_leaves_nothing_half_done()
    {
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var stopped = _fixture.Import(UsageSource.ClaudeCodeLog, cancellationToken: stop.Token);
        Assert.True(stopped.Stopped);
        Assert.Equal(0, stopped.Added);

        var resumed = _fixture.Import(UsageSource.ClaudeCodeLog);
        Assert.Equal(5, resumed.Added);
        Assert.Equal(0, resumed.DuplicatesSkipped);
    }

    [Fact]
    public void Source_filters_queries_and_stored_events_without_a_source_read_back_as_Proxy()
    {
        var other = AgentLogFixture.Live(_fixture.Truth[0], "anthropic", "curl", 0);
        other.RequestId = "req_other";
        other.MessageId = "msg_other";
        _fixture.Store.Write([other]);
        _fixture.Import(UsageSource.ClaudeCodeLog);

        Assert.Equal(5, _fixture.Store.Query(new UsageFilter { Source = [UsageSource.ClaudeCodeLog] }).Count());
        Assert.Equal("curl", Assert.Single(_fixture.Store.Query(new UsageFilter { Source = [UsageSource.Proxy] })).App);
        Assert.Equal(6, _fixture.Store.Summarize(new UsageFilter { Source = [UsageSource.Proxy, UsageSource.ClaudeCodeLog] }).Single().Requests);
        Assert.Equal(1, _fixture.Store.Summarize(new UsageFilter { Source = [UsageSource.Proxy] }).Single().Requests);
    }
}
