// A started listener issues the leaves of the exact intercepted hosts in the background, and its first request is
// still served and recorded while the store, the prices and the CA were opened side by side.
using System.Text;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Usage;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Hosting;

public sealed class ProxyWarmUpTests
{
    [Fact]
    public async Task Listener_start_issues_a_leaf_for_each_exact_intercepted_host_and_none_for_wildcards()
    {
        var home = Directory.CreateTempSubdirectory("tt-warmup-").FullName;
        try
        {
            using var runtime = new TokentapRuntime(new TokentapPaths(home));
            var listener = await runtime.StartListenerAsync(new ListenerRequest { AdditionalInterceptHosts = ["llm.example.test", "*.wild.example.test"] });
            var expected = InterceptHostList.DefaultPatterns.Append("llm.example.test").Where(p => !p.StartsWith("*.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (listener.Authority.CachedLeafHosts.Count < expected.Count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Equal(12, expected.Count);
            Assert.Equal(expected, listener.Authority.CachedLeafHosts);
            await listener.StopAsync();
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task After_the_warm_up_a_handshake_for_an_exact_host_makes_no_key_and_no_leaf_and_a_wildcard_host_costs_one_signature()
    {
        var home = Directory.CreateTempSubdirectory("tt-warmup-leafkey-").FullName;
        using var upstreamAuthority = new TestCertificateAuthority("Warm-up Leaf Key Upstream Root");
        await using var upstream = await MockUpstream.StartAsync(upstreamAuthority.IssueServerCertificate(["localhost"]));
        upstream.Map("POST", "/v1/chat/completions", MockResponses.Json("{}"));
        try
        {
            using var runtime = new TokentapRuntime(new TokentapPaths(home));
            var listener = await runtime.StartListenerAsync(new ListenerRequest
            {
                AdditionalInterceptHosts = ["*.wild.example.test"],
                UpstreamOverrides = new Dictionary<string, Uri> { ["api.openai.com"] = upstream.BaseUri, ["a.wild.example.test"] = upstream.BaseUri },
                UpstreamCaFile = upstreamAuthority.PemPath,
            });
            await listener.WarmUp!.Completion.WaitAsync(TimeSpan.FromSeconds(60));
            var authority = listener.Authority;
            var exact = InterceptHostList.DefaultPatterns.Count(p => !p.StartsWith("*.", StringComparison.Ordinal));
            Assert.Equal(11, exact);
            Assert.Contains("api.openai.com", authority.CachedLeafHosts);
            Assert.Equal(exact, authority.LeavesIssued);
            Assert.Equal(1, authority.LeafKeysCreated);
            using var client = TestClients.Create(new Uri(listener.ProxyUrl), [authority.Certificate]);

            using var exactResponse = await client.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

            Assert.Equal(200, (int)exactResponse.StatusCode);
            Assert.Equal(exact, authority.LeavesIssued);
            Assert.Equal(1, authority.LeafKeysCreated);

            using var wildResponse = await client.PostAsync("https://a.wild.example.test/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));

            Assert.Equal(200, (int)wildResponse.StatusCode);
            Assert.Equal(exact + 1, authority.LeavesIssued);
            Assert.Equal(1, authority.LeafKeysCreated);
            Assert.Contains("a.wild.example.test", authority.CachedLeafHosts);
            Assert.Equal(2, upstream.Requests.Count(r => r.Path == "/v1/chat/completions"));
            await listener.StopAsync();
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_certificate_authority_that_cannot_be_opened_leaves_no_recording_running()
    {
        var home = Directory.CreateTempSubdirectory("tt-warmup-ca-").FullName;
        try
        {
            var paths = new TokentapPaths(home);
            File.WriteAllText(paths.CaDirectory, "a file where the CA folder belongs");
            using var runtime = new TokentapRuntime(paths);

            await Assert.ThrowsAnyAsync<IOException>(() => runtime.StartListenerAsync(new ListenerRequest()));

            Assert.Null(runtime.Recorder);
            Assert.Null(runtime.Observer);
            Assert.Empty(runtime.Listeners);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task First_request_of_a_new_runtime_is_served_and_recorded()
    {
        var home = Directory.CreateTempSubdirectory("tt-warmup-first-").FullName;
        using var upstreamAuthority = new TestCertificateAuthority("Warm-up Upstream Root");
        await using var upstream = await MockUpstream.StartAsync(upstreamAuthority.IssueServerCertificate(["localhost"]));
        var body = Tokentap.Engine.Tests.Providers.ExchangeDriver.Fixture("anthropic-messages.json");
        upstream.Map("POST", "/v1/messages", MockResponses.Bytes(body, "application/json", 200, ("request-id", "req_first")));
        try
        {
            using var runtime = new TokentapRuntime(new TokentapPaths(home), new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
            var listener = await runtime.StartListenerAsync(new ListenerRequest
            {
                UpstreamOverrides = new Dictionary<string, Uri> { ["api.anthropic.com"] = upstream.BaseUri },
                UpstreamCaFile = upstreamAuthority.PemPath,
            });
            using var client = TestClients.Create(new Uri(listener.ProxyUrl), [listener.Authority.Certificate]);

            using var response = await client.PostAsync("https://api.anthropic.com/v1/messages", new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":10}""", Encoding.UTF8, "application/json"));
            Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
            // The event is published by the tap's worker after the response ends, then stored by the recorder.
            var stored = new List<UsageEvent>();
            for (var deadline = DateTime.UtcNow.AddSeconds(30); stored.Count == 0 && DateTime.UtcNow < deadline; await Task.Delay(20))
            {
                await runtime.FlushAsync();
                stored = runtime.Store.Query(UsageFilter.All).ToList();
            }

            var recorded = Assert.Single(stored);
            Assert.Equal("req_first", recorded.RequestId);
            Assert.Equal(200, recorded.StatusCode);
            await listener.StopAsync();
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
