// Codex CLI 0.169.0's real rollout logs imported: per-response usage equals what the mock billed, the older
// cumulative-only form gives the same numbers as deltas, turns are linked, and live captures are not doubled.
namespace Tokentap.Engine.Tests.History;

public sealed class CodexLogImportTests : IDisposable
{
    private const string Session = "01a24896-87d5-7fd3-8af1-08476fa1e6b0";
    private const string SecondSession = "01a24896-94d2-7a53-92c0-d63cd75dcdd4";
    private readonly AgentLogFixture _fixture = new("codex");

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Imported_events_equal_the_mocks_ground_truth()
    {
        var report = _fixture.Import(UsageSource.CodexLog);

        Assert.Equal((2, 3L, 3L, 0L, 0L), (report.Files, report.EventsFound, report.Added, report.SkippedLines, report.DuplicatesSkipped));
        AssertTruth(_fixture.Stored(), withResponseIds: true);
        Assert.Equal(
            [(Session, 1), (Session, 2), (SecondSession, 1)],
            _fixture.Stored().Select(e => (e.ConversationId!, e.TurnIndex!.Value)).ToList());
    }

    [Fact]
    public void Cumulative_token_counts_alone_become_the_same_per_turn_deltas()
    {
        // Versions before token_usage_record logged only token_count events with session totals.
        foreach (var file in Directory.EnumerateFiles(_fixture.Logs, "*.jsonl", SearchOption.AllDirectories))
        {
            File.WriteAllLines(file, File.ReadAllLines(file).Where(l => !l.Contains("\"type\":\"token_usage_record\"", StringComparison.Ordinal)));
        }

        var report = _fixture.Import(UsageSource.CodexLog);

        Assert.Equal(3, report.Added);
        AssertTruth(_fixture.Stored(), withResponseIds: false);
    }

    [Fact]
    public void Responses_the_proxy_captured_live_are_matched_by_response_id()
    {
        _fixture.Store.Write(_fixture.Truth.Select((t, i) => AgentLogFixture.Live(t, "openai", "codex", i)).ToList());

        var report = _fixture.Import(UsageSource.CodexLog);

        Assert.Equal((0L, 3L, 3L), (report.Added, report.AlreadyCapturedLive, report.MatchedRequests));
        Assert.Equal("the logs matched the proxy exactly on 3 requests", report.Comparison);
        Assert.Equal(3, _fixture.Stored().Count);
    }

    [Fact]
    public void A_resumed_session_appended_to_its_rollout_adds_only_the_new_turn()
    {
        var file = _fixture.LogFile(Session);
        var lines = File.ReadAllLines(file);
        var resumed = Array.FindLastIndex(lines, l => l.Contains("\"type\":\"task_started\"", StringComparison.Ordinal));
        File.WriteAllText(file, string.Join('\n', lines[..resumed]) + "\n");
        Assert.Equal(2, _fixture.Import(UsageSource.CodexLog).Added);

        File.AppendAllText(file, string.Join('\n', lines[resumed..]) + "\n");
        var second = _fixture.Import(UsageSource.CodexLog);

        Assert.Equal((1, 1L, 0L), (second.FilesRead, second.Added, second.DuplicatesSkipped));
        var turn2 = Assert.Single(_fixture.Stored(), e => e.MessageId == "resp_mock000007");
        Assert.Equal(2, turn2.TurnIndex);
        Assert.Equal(_fixture.Truth[1].Input, turn2.InputTokens);
    }

    private void AssertTruth(List<UsageEvent> stored, bool withResponseIds)
    {
        Assert.Equal(3, _fixture.Truth.Count);
        Assert.Equal(3, stored.Count);
        foreach (var (truth, e) in _fixture.Truth.Zip(stored))
        {
            Assert.Equal(withResponseIds ? truth.Id : null, e.MessageId);
            Assert.Equal("gpt-5-codex", e.Model);
            Assert.Equal(truth.Input, e.InputTokens);
            Assert.Equal(truth.CacheRead, e.CacheReadTokens);
            Assert.Equal(truth.CacheWrite, e.CacheWriteTokens);
            Assert.Equal(truth.Output, e.OutputTokens);
            Assert.Equal(truth.Reasoning, e.ReasoningTokens);
            Assert.Equal(UsageSource.CodexLog, e.Source);
            Assert.Equal(("codex", "0.169.0", "openai", "/home/user/project"), (e.App, e.AppVersion, e.Provider, e.Project));
        }
    }
}
