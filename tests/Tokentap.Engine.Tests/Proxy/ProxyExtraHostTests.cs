// A host added to the intercept list reaches the usage observer through the real proxy with the format it was given.
using System.Text;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Tests.Providers;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyExtraHostTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyExtraHostTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Extra_hosts_are_recorded_with_their_declared_format_or_path_shape_and_unreadable_ones_are_counted()
    {
        var chat = ExchangeDriver.Fixture("openai-chat.json");
        await using var upstream = await MockUpstream.StartAsync();
        upstream.Map("POST", "/chat/completions", MockResponses.Bytes(chat, "application/json"));
        upstream.Map("POST", "/v1/chat/completions", MockResponses.Bytes(chat, "application/json"));
        upstream.Map("POST", "/v2/generate", MockResponses.Json("{\"tokens\":12}"));
        var hosts = InterceptHostList.WithAdditions(new[] { "api.perplexity.ai=openai-chat", "llm.corp.example" });
        var caDirectory = Path.Combine(_env.TempDirectory, "extra-hosts-ca");
        using var ca = CertificateAuthority.Open(caDirectory, hosts.Patterns).Authority;
        var sink = new CapturingSink();
        var observer = new UsageObserver(ExchangeDriver.Prices, sink);
        var proxy = ProxyTestEnvironment.Start(_env.Options(observer) with
        {
            CertificateAuthority = ca,
            InterceptHosts = hosts,
            UpstreamOverrides = new Dictionary<string, Uri> { ["api.perplexity.ai"] = upstream.BaseUri, ["llm.corp.example"] = upstream.BaseUri },
        });
        using (var client = _env.Client(proxy))
        {
            foreach (var url in new[] { "http://api.perplexity.ai/chat/completions", "http://llm.corp.example/v1/chat/completions", "http://llm.corp.example/v2/generate" })
            {
                using var content = new StringContent("{\"model\":\"gpt-4o\"}", Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(url, content);
                response.EnsureSuccessStatusCode();
            }
        }

        await proxy.StopAsync();

        var events = sink.Events.OrderBy(e => e.Provider, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "api.perplexity.ai", "llm.corp.example" }, events.Select(e => e.Provider));
        Assert.All(events, e =>
        {
            Assert.Equal("chat.completions", e.Endpoint);
            Assert.Equal("gpt-4o-2024-08-06", e.Model);
            Assert.Equal(176, e.InputTokens);
            Assert.Equal(1024, e.CacheReadTokens);
            Assert.Equal(300, e.OutputTokens);
            Assert.Equal(0.00472m, e.Cost);
        });
        Assert.Equal(new Dictionary<string, long> { ["llm.corp.example"] = 1 }, observer.UnreadableHosts);
    }
}
