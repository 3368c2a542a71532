// Through the real proxy: each event names the client process that made the call and the project it ran in.
using System.Net;
using System.Runtime.Versioning;
using Tokentap.Engine.Clients;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Tests.Providers;
using Tokentap.Engine.Tests.Proxy;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Clients;

[Collection(ProxyCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class ProxyClientProcessTests(ProxyTestEnvironment env)
{
    private const string Body = """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""";

    [Fact]
    public async Task Curl_from_a_git_repository_through_https_proxy_is_recorded_with_its_process_and_the_repository_root_looked_up_once()
    {
        using var project = new TempProject(git: true);
        var resolver = new CountingResolver(new LinuxClientProcessResolver());
        var (events, curlId) = await RunCurlAsync(project.Nested, env.Options(null) with { ClientProcesses = resolver }, ipv6: false, requests: 2);

        Assert.Equal(2, events.Count);
        foreach (var e in events)
        {
            Assert.Equal(project.Root, e.Project);
            Assert.Equal("curl", e.ClientProcessName);
            Assert.Equal(curlId, e.ClientProcessId);
            Assert.Equal(2095, e.InputTokens);
        }

        // Both requests came on one kept-alive connection: one lookup, on a thread of its own, not the thread pool's.
        Assert.Equal(1, resolver.Calls);
        Assert.Equal(0, resolver.CallsOnThreadPool);
    }

    [Fact]
    public async Task Curl_through_the_ipv6_loopback_listener_is_recorded_with_its_process()
    {
        using var project = new TempProject(git: true);
        var (events, curlId) = await RunCurlAsync(project.Nested, env.Options(null), ipv6: true, requests: 1);

        var e = Assert.Single(events);
        Assert.Equal(project.Root, e.Project);
        Assert.Equal("curl", e.ClientProcessName);
        Assert.Equal(curlId, e.ClientProcessId);
    }

    [Fact]
    public async Task Curl_from_a_folder_without_git_through_a_base_url_gets_that_folder()
    {
        using var project = new TempProject(git: false);
        var (events, curlId) = await RunCurlAsync(project.Nested, env.Options(null), ipv6: false, requests: 1, baseUrl: true);

        var e = Assert.Single(events);
        Assert.Equal(project.Nested, e.Project);
        Assert.Equal("curl", e.ClientProcessName);
        Assert.Equal(curlId, e.ClientProcessId);
    }

    [Fact]
    public async Task A_listener_tagged_with_a_project_keeps_its_own_and_still_records_the_process()
    {
        using var project = new TempProject(git: true);
        var options = env.Options(null) with { Tags = new ExchangeTags("run-curl-1", "curl", "/explicit/project") };
        var (events, curlId) = await RunCurlAsync(project.Nested, options, ipv6: false, requests: 1);

        var e = Assert.Single(events);
        Assert.Equal("/explicit/project", e.Project);
        Assert.Equal("curl", e.ClientProcessName);
        Assert.Equal(curlId, e.ClientProcessId);
    }

    [Fact]
    public async Task A_client_the_system_cannot_tell_leaves_process_and_project_empty()
    {
        using var project = new TempProject(git: true);
        var resolver = new CountingResolver(new UnknownResolver());
        var (events, _) = await RunCurlAsync(project.Nested, env.Options(null) with { ClientProcesses = resolver }, ipv6: false, requests: 1);

        var e = Assert.Single(events);
        Assert.Null(e.Project);
        Assert.Null(e.ClientProcessName);
        Assert.Null(e.ClientProcessId);
        Assert.Equal(1, resolver.Calls);
    }

    [Fact]
    public async Task A_connect_to_an_intercepted_host_starts_the_lookup_before_the_client_sends_its_tls_hello()
    {
        var resolver = new CountingResolver(new UnknownResolver());
        await using var proxy = ProxyTestEnvironment.Start(env.Options(null) with { ClientProcesses = resolver });
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.Port);
        await socket.SendAsync("CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\n\r\n"u8.ToArray());
        var answer = new byte[256];
        var read = await socket.ReceiveAsync(answer);
        Assert.StartsWith("HTTP/1.1 200", System.Text.Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);

        for (var deadline = DateTime.UtcNow.AddSeconds(10); resolver.Calls == 0 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, resolver.Calls);
        Assert.Equal(0, resolver.CallsOnThreadPool);
        Assert.Equal(0, proxy.Statistics.Exchanges);
    }

    private async Task<(List<UsageEvent> Events, int CurlId)> RunCurlAsync(string workingDirectory, ProxyOptions options, bool ipv6, int requests, bool baseUrl = false)
    {
        env.Upstream.Map("POST", "/v1/messages", MockResponses.Bytes(ExchangeDriver.Fixture("anthropic-messages.json"), "application/json"));
        var (observer, sink) = ExchangeDriver.NewObserver();
        await using var proxy = ProxyTestEnvironment.Start(options with { Observer = observer });
        Assert.Contains(proxy.Endpoints, e => e.Address.Equals(IPAddress.IPv6Loopback));
        var proxyUrl = ipv6 ? $"http://[::1]:{proxy.Port}" : $"http://127.0.0.1:{proxy.Port}";
        var url = baseUrl ? proxyUrl + "/anthropic/v1/messages" : "https://api.anthropic.com/v1/messages";
        var arguments = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            if (i > 0)
            {
                arguments.Add("--next");
            }

            arguments.AddRange(["-H", "content-type: application/json", "--data", Body, url]);
        }

        var environment = baseUrl
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["HTTPS_PROXY"] = proxyUrl, ["CURL_CA_BUNDLE"] = env.Ca.BundlePath };
        using var curl = ClientCurl.Start(workingDirectory, environment, [.. arguments]);
        var (exitCode, output, error) = await curl.ExitAsync();
        Assert.True(exitCode == 0, $"curl exited {exitCode}: {error}");
        Assert.Contains("\"output_tokens\": 503", output, StringComparison.Ordinal);

        // An event is published when its tap has read the whole response, just after curl has it.
        for (var deadline = DateTime.UtcNow.AddSeconds(10); sink.Events.Count < requests && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20);
        }

        return (sink.Events.ToList(), curl.ProcessId);
    }

    private sealed class CountingResolver(IClientProcessResolver inner) : IClientProcessResolver
    {
        private int _calls;
        private int _callsOnThreadPool;

        public int Calls => Volatile.Read(ref _calls);

        public int CallsOnThreadPool => Volatile.Read(ref _callsOnThreadPool);

        public ClientProcess? Resolve(IPEndPoint client, IPEndPoint proxy)
        {
            Interlocked.Increment(ref _calls);
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref _callsOnThreadPool);
            }

            return inner.Resolve(client, proxy);
        }
    }

    private sealed class UnknownResolver : IClientProcessResolver
    {
        public ClientProcess? Resolve(IPEndPoint client, IPEndPoint proxy) => null;
    }
}
