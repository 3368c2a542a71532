// curl as a real client: HTTPS_PROXY plus CURL_CA_BUNDLE pointing at the Tokentap bundle, as the module sets them.
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public sealed class ProxyCurlTests
{
    private readonly ProxyTestEnvironment _env;

    public ProxyCurlTests(ProxyTestEnvironment env) => _env = env;

    [Fact]
    public async Task Curl_through_the_proxy_trusts_the_bundle_and_gets_the_exact_response()
    {
        var feed = new MockChunkFeed();
        _env.Upstream.Map("POST", "/v1/curl-stream", MockResponses.Stream(feed));
        var observer = new RecordingObserver();
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(observer));
        var environment = new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = proxy.ProxyUri.ToString(),
            ["CURL_CA_BUNDLE"] = _env.Ca.BundlePath,
        };

        var curl = CurlProcess.RunAsync(
            environment,
            "-X", "POST", "-H", "content-type: application/json", "-H", "accept-encoding: gzip, deflate, br, zstd",
            "--data", "{\"stream\":true}", "https://api.anthropic.com/v1/curl-stream");
        await feed.Started.WaitAsync(TimeSpan.FromSeconds(20));
        feed.Send("event: a\ndata: {}\n\n");
        feed.Send("event: b\ndata: {}\n\n");
        feed.Complete();
        var (exitCode, output, error) = await curl;

        Assert.True(exitCode == 0, $"curl exited {exitCode}: {error}");
        Assert.Equal("event: a\ndata: {}\n\nevent: b\ndata: {}\n\n", output);
        var exchange = await observer.NextCompletedAsync();
        Assert.Equal("{\"stream\":true}", System.Text.Encoding.UTF8.GetString(exchange.Request.Body.Span));
        Assert.Equal("gzip, deflate, br", _env.Upstream.Requests.Last(r => r.Path == "/v1/curl-stream").Header("Accept-Encoding"));
    }

    [Fact]
    public async Task Curl_without_the_tokentap_ca_fails_and_the_proxy_records_why()
    {
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        var environment = new Dictionary<string, string> { ["HTTPS_PROXY"] = proxy.ProxyUri.ToString() };

        var (exitCode, _, error) = await CurlProcess.RunAsync(environment, "--cacert", _env.TestCa.PemPath, "https://api.anthropic.com/v1/models");

        Assert.True(exitCode == 60, $"curl exited {exitCode}: {error}");
        for (var i = 0; i < 100 && proxy.Statistics.Failures(Tokentap.Engine.Proxy.ProxyFailureKind.ClientTls) == 0; i++)
        {
            await Task.Delay(20);
        }

        var failure = Assert.Single(proxy.Statistics.RecentFailures);
        Assert.Contains("does the client trust the Tokentap CA?", failure.Message, StringComparison.Ordinal);
        Assert.Contains("api.anthropic.com", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curl_through_the_proxy_to_an_unintercepted_host_sees_the_real_certificate()
    {
        _env.Upstream.Map("GET", "/curl-blind", MockResponses.Json("{\"blind\":true}"));
        await using var proxy = ProxyTestEnvironment.Start(_env.Options(null));
        var environment = new Dictionary<string, string> { ["HTTPS_PROXY"] = proxy.ProxyUri.ToString() };

        var (exitCode, output, error) = await CurlProcess.RunAsync(
            environment, "--cacert", _env.TestCa.PemPath, $"https://localhost:{_env.Upstream.Port}/curl-blind");

        Assert.True(exitCode == 0, $"curl exited {exitCode}: {error}");
        Assert.Equal("{\"blind\":true}", output);
        Assert.Equal(1, proxy.Statistics.Tunnels);
    }
}
