// Gemini CLI 0.61.0's real chat logs imported: the logged answers equal what the mock billed, the router calls the log
// never records are what the proxy adds, a resumed session's restated messages count once, and live captures (the log
// names no ids) are matched by their figures.
namespace Tokentap.Engine.Tests.History;

public sealed class GeminiLogImportTests : IDisposable
{
    private const string Session = "72997028-dff1-42d5-840b-a8d0d08c27bd";
    private const string SecondSession = "f52c38dc-6ea2-410c-a2d1-785dd0cc7d86";
    private readonly AgentLogFixture _fixture = new("gemini");

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void The_logged_answers_equal_the_mocks_ground_truth_and_router_calls_are_not_logged()
    {
        var report = _fixture.Import(UsageSource.GeminiLog);

        var answers = _fixture.Truth.Where(t => t.Path.Contains(":streamGenerateContent", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, _fixture.Truth.Count);
        Assert.Equal(3, answers.Count);
        Assert.Equal((2, 3L, 3L, 0L), (report.Files, report.EventsFound, report.Added, report.SkippedLines));
        var stored = _fixture.Stored();
        foreach (var (truth, e) in answers.Zip(stored))
        {
            Assert.Equal(truth.Model, e.Model);
            Assert.Equal(truth.Input, e.InputTokens);
            Assert.Equal(truth.CacheRead, e.CacheReadTokens);
            Assert.Equal(truth.Output, e.OutputTokens);
            Assert.Equal(truth.Reasoning, e.ReasoningTokens);
            Assert.Equal((UsageSource.GeminiLog, "gemini-cli", "google", "/home/user/project"), (e.Source, e.App, e.Provider, e.Project));
        }

        Assert.Equal([(Session, 1), (Session, 2), (SecondSession, 1)], stored.Select(e => (e.ConversationId!, e.TurnIndex!.Value)).ToList());
    }

    [Fact]
    public void Live_captures_are_matched_by_their_figures_and_the_router_calls_stay_the_proxys()
    {
        _fixture.Store.Write(_fixture.Truth.Select((t, i) => AgentLogFixture.Live(t, "google", "gemini-cli", 40 + i)).ToList());

        var report = _fixture.Import(UsageSource.GeminiLog);

        Assert.Equal((0L, 3L, 3L), (report.Added, report.AlreadyCapturedLive, report.MatchedRequests));
        Assert.Equal("the logs matched the proxy exactly on 3 requests", report.Comparison);
        Assert.Equal(6, _fixture.Stored().Count);
    }

    [Fact]
    public void Reimporting_a_resumed_session_that_restates_its_messages_adds_nothing()
    {
        Assert.Equal(3, _fixture.Import(UsageSource.GeminiLog).Added);
        var file = _fixture.LogFile(Session[..8]);
        File.AppendAllText(file, File.ReadAllLines(file).Last(l => l.Contains("\"type\":\"gemini\"", StringComparison.Ordinal)) + "\n");

        var again = _fixture.Import(UsageSource.GeminiLog);

        Assert.Equal((1, 1L, 0L, 1L), (again.FilesRead, again.EventsFound, again.Added, again.DuplicatesSkipped));
        Assert.Equal(3, _fixture.Stored().Count);
    }
}
