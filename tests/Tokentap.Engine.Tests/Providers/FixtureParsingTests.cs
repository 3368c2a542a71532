// Each fixture, fed whole and byte by byte, yields exactly the expected event, field by field.
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Providers;

public sealed class FixtureParsingTests
{
    [Theory]
    [MemberData(nameof(FixtureCases.Names), MemberType = typeof(FixtureCases))]
    public void Fixture_fed_whole_gives_the_exact_event(string name)
    {
        var fixture = FixtureCases.Get(name);
        var usage = RunCase(fixture, ExchangeDriver.Split(ExchangeDriver.Fixture(fixture.File), Array.Empty<int>()));
        AssertExpected(fixture.Expected, fixture.Status, usage);
    }

    [Theory]
    [MemberData(nameof(FixtureCases.Names), MemberType = typeof(FixtureCases))]
    public void Fixture_fed_byte_by_byte_gives_the_same_event(string name)
    {
        var fixture = FixtureCases.Get(name);
        var bytes = ExchangeDriver.Fixture(fixture.File);
        var usage = RunCase(fixture, ExchangeDriver.Split(bytes, Enumerable.Range(1, bytes.Length)));
        AssertExpected(fixture.Expected, fixture.Status, usage);
    }

    [Fact]
    public void WebSocket_turns_each_become_an_event()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request("api.openai.com", "/v1/responses", "", method: "GET", webSocket: true,
            headers: new[] { KeyValuePair.Create("originator", "codex_exec"), KeyValuePair.Create("user-agent", "codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm"), KeyValuePair.Create("session-id", "0199a-sess") });
        var events = ExchangeDriver.RunWebSocket(observer, sink, request, ExchangeDriver.WebSocketMessages("openai-responses-ws.jsonl"), ExchangeDriver.Completed());

        Assert.Equal(2, events.Count);
        var first = events[0];
        Assert.Equal("openai", first.Provider);
        Assert.Equal("responses", first.Endpoint);
        Assert.Equal("gpt-5.1-codex", first.Model);
        Assert.Equal("gpt-5.1-codex", first.RequestModel);
        Assert.Equal(808, first.InputTokens);
        Assert.Equal(8192, first.CacheReadTokens);
        Assert.Equal(300, first.OutputTokens);
        Assert.Equal(256, first.ReasoningTokens);
        Assert.Equal("resp_ws_turn_1", first.MessageId);
        Assert.Null(first.RequestId);
        Assert.Equal(101, first.StatusCode);
        Assert.True(first.Streaming);
        Assert.False(first.Estimated);
        Assert.Null(first.Error);
        Assert.Equal("codex", first.App);
        Assert.Equal("0.169.0", first.AppVersion);
        Assert.Equal("0199a-sess", first.ClientSessionId);
        // 808*$1.25 + 8192*$0.125 + 300*$10 per million.
        Assert.Equal(0.005034m, first.Cost);

        var second = events[1];
        Assert.Equal(284, second.InputTokens);
        Assert.Equal(9216, second.CacheReadTokens);
        Assert.Equal(120, second.OutputTokens);
        Assert.Equal(64, second.ReasoningTokens);
        Assert.Equal("resp_ws_turn_2", second.MessageId);
        // 284*$1.25 + 9216*$0.125 + 120*$10 per million.
        Assert.Equal(0.002707m, second.Cost);
        Assert.Equal(0, observer.Failures);
    }

    [Fact]
    public void Identity_session_request_id_and_rate_limits_come_from_the_headers()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var fixture = FixtureCases.Get("anthropic-sse");
        var request = ExchangeDriver.Request(fixture.Host, fixture.PathAndQuery, fixture.RequestBody, headers: new[]
        {
            KeyValuePair.Create("user-agent", "claude-cli/2.1.197 (external, sdk-cli)"),
            KeyValuePair.Create("x-claude-code-session-id", "3f0c1e9a-5a1b-4c55-9e4b-1d2f3a4b5c6d"),
            KeyValuePair.Create("x-api-key", "sk-ant-secret"),
        }, tags: new ExchangeTags("tt-session-7", null, "/home/me/repo"));
        var head = ExchangeDriver.Head(200,
            ("request-id", "req_011CV6x8zqD1"),
            ("anthropic-ratelimit-unified-status", "allowed"),
            ("anthropic-ratelimit-unified-reset", "1763856000"),
            ("anthropic-ratelimit-unified-representative-claim", "five_hour"),
            ("anthropic-ratelimit-unified-5h-utilization", "0.42"),
            ("anthropic-ratelimit-unified-5h-status", "allowed"),
            ("anthropic-ratelimit-unified-5h-reset", "1763856000"),
            ("anthropic-ratelimit-unified-7d-utilization", "0.13"),
            ("anthropic-ratelimit-unified-7d-reset", "1764288000"),
            ("anthropic-ratelimit-unified-7d-status", "allowed"));
        var events = ExchangeDriver.Run(observer, sink, request, head, new ReadOnlyMemory<byte>[] { ExchangeDriver.Fixture(fixture.File) }, ExchangeDriver.Completed());

        var usage = Assert.Single(events);
        Assert.Equal("claude-code", usage.App);
        Assert.Equal("2.1.197", usage.AppVersion);
        Assert.Equal("3f0c1e9a-5a1b-4c55-9e4b-1d2f3a4b5c6d", usage.ClientSessionId);
        Assert.Equal("tt-session-7", usage.Session);
        Assert.Equal("/home/me/repo", usage.Project);
        Assert.Equal("req_011CV6x8zqD1", usage.RequestId);
        Assert.Equal(ExchangeDriver.Start, usage.Timestamp);
        Assert.Equal(850, usage.DurationMs);
        Assert.Equal(120, usage.TimeToFirstByteMs);
        var limits = Assert.IsType<RateLimitSnapshot>(usage.RateLimits);
        Assert.Equal("allowed", limits.UnifiedStatus);
        Assert.Equal("five_hour", limits.UnifiedRepresentativeClaim);
        Assert.Equal(0.42, limits.Unified5hUtilization);
        Assert.Equal(0.13, limits.Unified7dUtilization);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763856000), limits.Unified5hReset);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764288000), limits.Unified7dReset);
        Assert.Equal("allowed", limits.Unified7dStatus);
        Assert.Null(limits.TokensLimit);
    }

    [Fact]
    public void Tag_app_wins_over_the_user_agent()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var fixture = FixtureCases.Get("openai-chat-json");
        var request = ExchangeDriver.Request(fixture.Host, fixture.PathAndQuery, fixture.RequestBody,
            headers: new[] { KeyValuePair.Create("user-agent", "OpenAI/JS 6.49.0") }, tags: new ExchangeTags(null, "my-agent", null));
        var usage = Assert.Single(ExchangeDriver.Run(observer, sink, request, ExchangeDriver.Head(200), new ReadOnlyMemory<byte>[] { ExchangeDriver.Fixture(fixture.File) }, ExchangeDriver.Completed()));
        Assert.Equal("my-agent", usage.App);
        Assert.Null(usage.AppVersion);
    }

    internal static UsageEvent RunCase(FixtureCase fixture, IEnumerable<ReadOnlyMemory<byte>> chunks, ExchangeCompletion? completion = null)
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request(fixture.Host, fixture.PathAndQuery, fixture.RequestBody);
        var events = ExchangeDriver.Run(observer, sink, request, ExchangeDriver.Head(fixture.Status), chunks, completion ?? ExchangeDriver.Completed());
        Assert.Equal(0, observer.Failures);
        return Assert.Single(events);
    }

    internal static void AssertExpected(Expectation expected, int status, UsageEvent usage)
    {
        Assert.Equal(expected.Provider, usage.Provider);
        Assert.Equal(expected.Endpoint, usage.Endpoint);
        Assert.Equal(expected.Model, usage.Model);
        Assert.Equal(expected.RequestModel, usage.RequestModel);
        Assert.Equal(expected.Input, usage.InputTokens);
        Assert.Equal(expected.CacheRead, usage.CacheReadTokens);
        Assert.Equal(expected.CacheWrite, usage.CacheWriteTokens);
        Assert.Equal(expected.CacheWrite1h, usage.CacheWrite1hTokens);
        Assert.Equal(expected.Output, usage.OutputTokens);
        Assert.Equal(expected.Reasoning, usage.ReasoningTokens);
        Assert.Equal(expected.Input + expected.CacheRead + expected.CacheWrite, usage.ContextTokens);
        Assert.Equal(expected.Cost, usage.Cost);
        Assert.Equal(expected.Streaming, usage.Streaming);
        Assert.Equal(status, usage.StatusCode);
        Assert.Equal(expected.MessageId, usage.MessageId);
        Assert.Equal(expected.StopReason, usage.StopReason);
        Assert.Equal(expected.Error, usage.Error);
        Assert.False(usage.Estimated);
    }
}
