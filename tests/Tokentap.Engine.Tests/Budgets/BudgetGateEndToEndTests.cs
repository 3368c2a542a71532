// A spent Block budget through the real proxy: billed requests answered in each provider's error format and recorded as
// blocked, non-billed calls and other scopes still forwarded.
using System.Text;
using Tokentap.Engine.Budgets;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Usage;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Budgets;

public sealed class BudgetGateEndToEndTests : IAsyncLifetime
{
    private const string Message =
        "Tokentap budget 'cap' is spent: $2.50 of $2.00 (Day; resets {0}). The request was not sent. To raise it: Set-TokentapBudget -Name cap -Amount 4";

    private readonly string _home = Directory.CreateTempSubdirectory("tt-budget-e2e-").FullName;
    private readonly TestCertificateAuthority _authority = new("Budget E2E Upstream Root");
    private MockUpstream _upstream = null!;
    private TokentapRuntime _runtime = null!;
    private ProxyListener _listener = null!;
    private HttpClient _client = null!;
    private string _reset = "";

    public async Task InitializeAsync()
    {
        _upstream = await MockUpstream.StartAsync(_authority.IssueServerCertificate(["localhost"]));
        var paths = new TokentapPaths(_home);
        using (var store = new UsageStore(paths.DatabasePath))
        {
            store.Write([BudgetHarness.Event(DateTime.UtcNow, 2.50m, app: "curl")]);
        }

        BudgetFile.Save(BudgetFile.PathIn(paths), new BudgetBook
        {
            Budgets = [BudgetHarness.Budget("cap", 2, action: BudgetAction.Block, scope: new UsageFilter { Provider = ["anthropic", "openai", "google"] })],
        });
        var (_, reset) = BudgetPeriodTests.Parse("Day").Current(DateTime.UtcNow, TimeZoneInfo.Utc, null);
        _reset = BudgetMonitor.LocalText(reset!.Value, TimeZoneInfo.Utc);
        _runtime = new TokentapRuntime(paths, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
        _listener = await _runtime.StartListenerAsync(new ListenerRequest
        {
            UpstreamOverrides = new[] { "api.anthropic.com", "api.openai.com", "generativelanguage.googleapis.com", "api.mistral.ai" }.ToDictionary(h => h, _ => _upstream.BaseUri),
            UpstreamCaFile = _authority.PemPath,
            Tags = new Tokentap.Engine.Proxy.ExchangeTags("budget-e2e", null, null),
        });
        _client = TestClients.Create(new Uri(_listener.ProxyUrl), [_listener.Authority.Certificate]);
        _upstream.Map("POST", "/v1/messages/count_tokens", MockResponses.Json("{\"input_tokens\":12}"));
        _upstream.Map("POST", "/v1/chat/completions", MockResponses.Json("{}"));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _runtime.Dispose();
        await _upstream.DisposeAsync();
        _authority.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Theory]
    [InlineData("https://api.anthropic.com/v1/messages?beta=true", "{\"model\":\"claude-sonnet-4-5\",\"stream\":true}", "{{\"type\":\"error\",\"error\":{{\"type\":\"invalid_request_error\",\"message\":\"{0}\"}}}}")]
    [InlineData("https://api.openai.com/v1/chat/completions", "{\"model\":\"gpt-5\"}", "{{\"error\":{{\"message\":\"{0}\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"budget_exceeded\"}}}}")]
    [InlineData("https://api.openai.com/v1/responses", "{\"model\":\"gpt-5\"}", "{{\"error\":{{\"message\":\"{0}\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"budget_exceeded\"}}}}")]
    [InlineData("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", "{}", "{{\"error\":{{\"code\":400,\"message\":\"{0}\",\"status\":\"FAILED_PRECONDITION\"}}}}")]
    public async Task A_billed_request_in_scope_is_answered_in_its_providers_format_and_recorded_as_blocked(string url, string body, string expected)
    {
        var before = _upstream.Requests.Count;

        using var response = await _client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, string.Format(System.Globalization.CultureInfo.InvariantCulture, Message, _reset)), await response.Content.ReadAsStringAsync());
        Assert.Equal(before, _upstream.Requests.Count);
        var blocked = await PollAsync(() => _runtime.Store.Query(new UsageFilter { Status = UsageStatus.Blocked }).Where(e => url.Contains(e.Host, StringComparison.Ordinal)).ToList());
        var recorded = Assert.Single(blocked);
        Assert.True(recorded.Blocked);
        Assert.Equal(400, recorded.StatusCode);
        Assert.Equal(0m, recorded.Cost ?? 0m);
        Assert.Equal("blocked by Tokentap: budget 'cap' is spent ($2.50 of $2.00, Day)", recorded.Error);
        Assert.Equal("budget-e2e", recorded.Session);

        // Summaries select blocked requests too (from the events: rollup rows only know success and failure).
        Assert.Equal(1, _runtime.Store.Summarize(new UsageFilter { Status = UsageStatus.Blocked }).Sum(r => r.Requests));
        Assert.Equal(2, _runtime.Store.Summarize(UsageFilter.All).Sum(r => r.Requests));
    }

    [Fact]
    public async Task Non_billed_calls_and_requests_outside_the_scope_still_reach_the_upstream()
    {
        using var count = await _client.PostAsync("https://api.anthropic.com/v1/messages/count_tokens", new StringContent("{\"model\":\"claude-sonnet-4-5\"}"));
        using var mistral = await _client.PostAsync("https://api.mistral.ai/v1/chat/completions", new StringContent("{\"model\":\"mistral-large\"}"));

        Assert.Equal(200, (int)count.StatusCode);
        Assert.Equal("{\"input_tokens\":12}", await count.Content.ReadAsStringAsync());
        Assert.Equal(200, (int)mistral.StatusCode);
        Assert.Equal(1, _upstream.Requests.Count(r => r.Path == "/v1/messages/count_tokens"));
        Assert.Equal(1, _upstream.Requests.Count(r => r.Path == "/v1/chat/completions"));
    }

    private static async Task<List<UsageEvent>> PollAsync(Func<List<UsageEvent>> read)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = read();
            if (found.Count > 0)
            {
                return found;
            }

            await Task.Delay(50);
        }

        return read();
    }
}
