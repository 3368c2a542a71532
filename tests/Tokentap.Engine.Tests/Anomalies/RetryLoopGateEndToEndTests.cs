// The retry-loop Block action through the real proxy: identical requests answered 529 open a loop, the next identical
// one is refused in the provider's format and recorded as blocked, a different one passes, and Warn refuses nothing.
using System.Globalization;
using System.Text;
using Tokentap.Engine.Anomalies;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Usage;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Anomalies;

public sealed class RetryLoopGateEndToEndTests : IAsyncLifetime
{
    private const string Overloaded = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
    private const string Url = "https://api.anthropic.com/v1/messages?beta=true";
    private const string Body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private readonly string _home = Directory.CreateTempSubdirectory("tt-retry-block-").FullName;
    private readonly TestCertificateAuthority _authority = new("Retry Block Upstream Root");
    private MockUpstream _upstream = null!;
    private TokentapRuntime? _runtime;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        _upstream = await MockUpstream.StartAsync(_authority.IssueServerCertificate(["localhost"]));
        _upstream.Map("POST", "/v1/messages", MockResponses.Json(Overloaded, 529));
        _upstream.Map("POST", "/v1beta/models/gemini-2.5-pro:generateContent", MockResponses.Json("{\"error\":{\"code\":503,\"message\":\"unavailable\",\"status\":\"UNAVAILABLE\"}}", 503));
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        _runtime?.Dispose();
        await _upstream.DisposeAsync();
        _authority.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task With_Block_the_request_after_the_loop_opens_is_refused_and_a_different_one_passes()
    {
        await StartAsync("{ \"retryLoop\": { \"action\": \"Block\" } }");

        for (var i = 0; i < 4; i++)
        {
            using var retried = await PostAsync(Url, Body);
            Assert.Equal(529, (int)retried.StatusCode);
        }

        var loop = await OpenLoopAsync(4);
        using var refused = await PostAsync(Url, Body);

        Assert.Equal(4, _upstream.Requests.Count(r => r.Path == "/v1/messages"));
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Equal("false", refused.Headers.GetValues("x-should-retry").Single());
        Assert.Equal("RetryLoop", refused.Headers.GetValues("x-tokentap-anomaly").Single());
        var seconds = (loop.End - loop.Start).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        var message =
            $"Tokentap stopped a retry loop: this request was sent 4 times unchanged in {seconds} s (a loop is 4 identical requests within 60 s), so it was not sent again. " +
            $"It is refused until it has not been sent for 60 s. To turn this off, set \\\"retryLoop\\\": {{ \\\"action\\\": \\\"Warn\\\" }} in {SettingsPathJson} and restart Tokentap (Stop-Tokentap; Start-Tokentap).";
        Assert.Equal($"{{\"type\":\"error\",\"error\":{{\"type\":\"invalid_request_error\",\"message\":\"{message}\"}}}}", await refused.Content.ReadAsStringAsync());

        using var different = await PostAsync(Url, Body.Replace("hi", "hello", StringComparison.Ordinal));
        Assert.Equal(529, (int)different.StatusCode);
        Assert.Equal(5, _upstream.Requests.Count(r => r.Path == "/v1/messages"));

        var blocked = await PollAsync(() => _runtime!.Store.Query(new UsageFilter { Status = UsageStatus.Blocked }).ToList(), 1);
        var recorded = Assert.Single(blocked);
        Assert.True(recorded.Blocked);
        Assert.Equal(400, recorded.StatusCode);
        Assert.Equal(loop.Detail[^12..], recorded.RequestFingerprint![..12]);
        Assert.Equal($"blocked by Tokentap: retry loop (4 identical requests in {seconds} s; request fingerprint {recorded.RequestFingerprint[..12]})", recorded.Error);
        Assert.Equal(6, (await PollAsync(() => _runtime!.Store.Query(UsageFilter.All).ToList(), 6)).Count);
    }

    [Fact]
    public async Task With_Block_a_Gemini_loop_is_refused_in_Geminis_format()
    {
        await StartAsync("{ \"retryLoop\": { \"action\": \"Block\", \"count\": 3 } }");
        const string url = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent";

        for (var i = 0; i < 3; i++)
        {
            using var retried = await PostAsync(url, "{\"contents\":[]}");
            Assert.Equal(503, (int)retried.StatusCode);
        }

        await OpenLoopAsync(3);
        using var refused = await PostAsync(url, "{\"contents\":[]}");

        Assert.Equal(3, _upstream.Requests.Count(r => r.Path == "/v1beta/models/gemini-2.5-pro:generateContent"));
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.StartsWith("{\"error\":{\"code\":400,\"message\":\"Tokentap stopped a retry loop: this request was sent 3 times unchanged in ", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.EndsWith("\",\"status\":\"FAILED_PRECONDITION\"}}", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_Warn_the_default_nothing_is_refused()
    {
        await StartAsync(settings: null);

        for (var i = 0; i < 4; i++)
        {
            using var retried = await PostAsync(Url, Body);
            Assert.Equal(529, (int)retried.StatusCode);
        }

        await OpenLoopAsync(4);
        for (var i = 0; i < 2; i++)
        {
            using var retried = await PostAsync(Url, Body);
            Assert.Equal(529, (int)retried.StatusCode);
        }

        Assert.Equal(6, _upstream.Requests.Count(r => r.Path == "/v1/messages"));
        Assert.Empty(_runtime!.Store.Query(new UsageFilter { Status = UsageStatus.Blocked }));
    }

    private string SettingsPathJson => AnomalySettingsFile.PathIn(new TokentapPaths(_home)).Replace("\\", "\\\\", StringComparison.Ordinal);

    private async Task StartAsync(string? settings)
    {
        var paths = new TokentapPaths(_home);
        if (settings is not null)
        {
            File.WriteAllText(AnomalySettingsFile.PathIn(paths), settings);
        }

        _runtime = new TokentapRuntime(paths, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
        var listener = await _runtime.StartListenerAsync(new ListenerRequest
        {
            UpstreamOverrides = new[] { "api.anthropic.com", "generativelanguage.googleapis.com" }.ToDictionary(h => h, _ => _upstream.BaseUri),
            UpstreamCaFile = _authority.PemPath,
            Tags = new Tokentap.Engine.Proxy.ExchangeTags("retry-block", null, null),
        });
        _client = TestClients.Create(new Uri(listener.ProxyUrl), [listener.Authority.Certificate]);
    }

    private Task<HttpResponseMessage> PostAsync(string url, string body) =>
        _client!.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));

    // The live monitor sees an exchange's event just after the client has its response; a real client's backoff is longer.
    private async Task<TokenUsageAnomaly> OpenLoopAsync(int count)
    {
        for (var i = 0; i < 200; i++)
        {
            if (_runtime!.Anomalies!.Current().FirstOrDefault(a => a.Kind == TokenUsageAnomalyKind.RetryLoop && a.Count == count) is { } loop)
            {
                return loop;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"no retry loop of {count} requests opened");
    }

    private static async Task<List<UsageEvent>> PollAsync(Func<List<UsageEvent>> read, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var found = read();
            if (found.Count >= count)
            {
                return found;
            }

            await Task.Delay(25);
        }

        return read();
    }
}
