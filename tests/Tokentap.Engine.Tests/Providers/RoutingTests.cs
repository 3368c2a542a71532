// Which requests are billed: everything else (count_tokens, client housekeeping, other hosts) gets no tap and no event.
namespace Tokentap.Engine.Tests.Providers;

public sealed class RoutingTests
{
    [Theory]
    [InlineData("api.anthropic.com", "POST", "/v1/messages/count_tokens?beta=true")]
    [InlineData("api.anthropic.com", "POST", "/v1/messages/batches")]
    [InlineData("api.anthropic.com", "GET", "/api/claude_code/policy_limits")]
    [InlineData("api.anthropic.com", "GET", "/api/claude_code/settings")]
    [InlineData("api.anthropic.com", "GET", "/api/claude_cli/bootstrap")]
    [InlineData("api.anthropic.com", "POST", "/api/event_logging/v2/batch")]
    [InlineData("api.anthropic.com", "GET", "/api/oauth/usage")]
    [InlineData("api.anthropic.com", "GET", "/api/oauth/profile")]
    [InlineData("api.anthropic.com", "GET", "/v1/models")]
    [InlineData("api.anthropic.com", "GET", "/v1/messages")]
    [InlineData("chatgpt.com", "GET", "/backend-api/codex/models?client_version=0.169.0")]
    [InlineData("chatgpt.com", "GET", "/backend-api/plugins/export/curated")]
    [InlineData("ab.chatgpt.com", "POST", "/otlp/v1/metrics")]
    [InlineData("api.github.com", "GET", "/repos/openai/plugins")]
    [InlineData("api.openai.com", "POST", "/v1/responses/input_tokens")]
    [InlineData("api.openai.com", "GET", "/v1/responses/resp_123")]
    [InlineData("api.openai.com", "POST", "/v1/embeddings")]
    [InlineData("cloudcode-pa.googleapis.com", "POST", "/v1internal:loadCodeAssist")]
    [InlineData("cloudcode-pa.googleapis.com", "POST", "/v1internal:retrieveUserQuota")]
    [InlineData("cloudcode-pa.googleapis.com", "POST", "/v1internal:listExperiments")]
    [InlineData("cloudcode-pa.googleapis.com", "POST", "/v1internal:countTokens")]
    [InlineData("generativelanguage.googleapis.com", "POST", "/v1beta/models/gemini-2.5-pro:countTokens")]
    [InlineData("generativelanguage.googleapis.com", "GET", "/v1beta/models")]
    [InlineData("oauth2.googleapis.com", "POST", "/token")]
    [InlineData("www.googleapis.com", "GET", "/oauth2/v2/userinfo")]
    [InlineData("play.googleapis.com", "POST", "/log")]
    public void Non_billed_requests_get_no_tap_and_no_event(string host, string method, string path)
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var request = ExchangeDriver.Request(host, path, "{}", method: method);
        Assert.Null(observer.BeginExchange(request));
        Assert.Empty(sink.Events);
        Assert.False(request.BodyReplaced);
    }

    [Theory]
    [InlineData("api.anthropic.com", "POST", "/v1/messages?beta=true", false, "anthropic", "messages")]
    [InlineData("api.openai.com", "GET", "/v1/responses", true, "openai", "responses")]
    [InlineData("chatgpt.com", "GET", "/backend-api/codex/responses", true, "chatgpt", "responses")]
    [InlineData("myres.cognitiveservices.azure.com", "POST", "/openai/v1/chat/completions", false, "azure-openai", "chat.completions")]
    [InlineData("myres.openai.azure.com", "POST", "/openai/responses?api-version=2025-04-01-preview", false, "azure-openai", "responses")]
    [InlineData("generativelanguage.googleapis.com", "POST", "/v1/models/gemini-2.5-flash:generateContent", false, "google", "generateContent")]
    [InlineData("api.deepseek.com", "POST", "/anthropic/v1/messages", false, "deepseek", "messages")]
    [InlineData("codestral.mistral.ai", "POST", "/v1/fim/completions", false, "mistral", "fim.completions")]
    [InlineData("api.together.ai", "POST", "/v1/chat/completions", false, "together", "chat.completions")]
    public void Billed_requests_are_routed(string host, string method, string path, bool webSocket, string provider, string endpoint)
    {
        var route = Tokentap.Engine.Providers.ApiRouter.Route(host, method, path, webSocket);
        Assert.NotNull(route);
        Assert.Equal(provider, route.Provider);
        Assert.Equal(endpoint, route.Endpoint);
    }

    [Fact]
    public void Refused_websocket_upgrade_produces_no_event()
    {
        var (observer, sink) = ExchangeDriver.NewObserver();
        var tap = observer.BeginExchange(ExchangeDriver.Request("api.openai.com", "/v1/responses", "", method: "GET", webSocket: true));
        Assert.NotNull(tap);
        tap.OnResponseHead(ExchangeDriver.Head(426));
        tap.OnResponseBody("Upgrade Required"u8);
        tap.OnCompleted(ExchangeDriver.Completed());
        Assert.Empty(sink.Events);
    }
}
