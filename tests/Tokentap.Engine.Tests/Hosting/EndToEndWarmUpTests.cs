// The start's end-to-end warm-up: three real exchanges through the proxy code whose events go nowhere, a real request
// served and recorded exactly while it runs, and a stop that cancels it at once.
using System.Text;
using Tokentap.Engine.Budgets;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Tests.Budgets;
using Tokentap.Engine.Tests.Providers;
using Tokentap.Engine.Usage;
using Tokentap.Testing;

namespace Tokentap.Engine.Tests.Hosting;

public sealed class EndToEndWarmUpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Warm_up_streams_a_chunked_sse_a_json_and_a_gzip_response_and_records_none_of_them()
    {
        var home = Directory.CreateTempSubdirectory("tt-e2e-warmup-").FullName;
        try
        {
            var paths = new TokentapPaths(home);
            BudgetFile.Save(BudgetFile.PathIn(paths), new BudgetBook { Budgets = [BudgetHarness.Budget("all", 100)] });
            using var runtime = new TokentapRuntime(paths, new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
            var listener = await runtime.StartListenerAsync(new ListenerRequest());
            var warmUp = listener.WarmUp!;

            await warmUp.Completion.WaitAsync(Patience);
            await runtime.FlushAsync();

            Assert.Null(warmUp.Failure);
            Assert.Equal(3, warmUp.CompletedExchanges);
            Assert.Equal(3, warmUp.DiscardedEvents);
            Assert.True(warmUp.UpstreamCheckWarmed);
            Assert.True(runtime.Prices.IsLoaded);
            Assert.True(listener.Authority.IsSigningLoaded);
            Assert.Equal(0, listener.Server.Statistics.Failures(ProxyFailureKind.UpstreamCertificate));
            Assert.Equal(0, runtime.CapturedEvents(null));
            Assert.Equal(0, runtime.Store.Count(UsageFilter.All));
            Assert.Empty(runtime.Anomalies!.Current());
            Assert.Equal(0m, Assert.Single(runtime.Budgets.LiveGauges()).Spent);
            Assert.Equal(0, listener.Server.Statistics.Connections);
            Assert.Equal(0, listener.Server.Statistics.Exchanges);
            Assert.Equal(0, runtime.Observer!.Failures);
            Assert.Empty(runtime.UnpricedModels());
            Assert.Empty(runtime.DrainNotices());
            Assert.Equal(0, runtime.FailureCount());
            await listener.StopAsync();
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_request_while_the_warm_up_holds_its_stream_open_is_served_and_recorded_exactly()
    {
        var home = Directory.CreateTempSubdirectory("tt-e2e-warmup-concurrent-").FullName;
        using var upstreamAuthority = new TestCertificateAuthority("Warm-up Concurrency Upstream Root");
        await using var upstream = await MockUpstream.StartAsync(upstreamAuthority.IssueServerCertificate(["localhost"]));
        var fixture = FixtureCases.Get("anthropic-sse");
        var bytes = ExchangeDriver.Fixture(fixture.File);
        upstream.Map("POST", "/v1/messages", MockResponses.Bytes(bytes, "text/event-stream", 200, ("request-id", "req_during_warmup")));
        try
        {
            using var runtime = new TokentapRuntime(new TokentapPaths(home), new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
            var listener = await runtime.StartListenerAsync(new ListenerRequest
            {
                UpstreamOverrides = new Dictionary<string, Uri> { ["api.anthropic.com"] = upstream.BaseUri },
                UpstreamCaFile = upstreamAuthority.PemPath,
            });
            var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var leavesWarmed = 0;
            using var warmUp = EndToEndWarmUp.Start(
                listener.Authority,
                listener.Server.Options.InterceptHosts,
                () => runtime.Prices,
                clientProcesses: null,
                () => Interlocked.Increment(ref leavesWarmed),
                midStream: async token =>
                {
                    streaming.TrySetResult();
                    await release.Task.WaitAsync(token);
                });
            await streaming.Task.WaitAsync(Patience);

            using var client = TestClients.Create(new Uri(listener.ProxyUrl), [listener.Authority.Certificate]);
            using var response = await client.PostAsync($"https://{fixture.Host}{fixture.PathAndQuery}", new StringContent(fixture.RequestBody, Encoding.UTF8, "application/json"));
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
            var stored = new List<UsageEvent>();
            for (var deadline = DateTime.UtcNow + Patience; stored.Count == 0 && DateTime.UtcNow < deadline; await Task.Delay(20))
            {
                await runtime.FlushAsync();
                stored = runtime.Store.Query(UsageFilter.All).ToList();
            }

            Assert.False(warmUp.Completion.IsCompleted);
            release.SetResult();
            await warmUp.Completion.WaitAsync(Patience);
            await listener.WarmUp!.Completion.WaitAsync(Patience);
            await runtime.FlushAsync();

            var recorded = Assert.Single(runtime.Store.Query(UsageFilter.All));
            Assert.Equal("req_during_warmup", recorded.RequestId);
            FixtureParsingTests.AssertExpected(fixture.Expected, 200, recorded);
            Assert.Equal(1, runtime.CapturedEvents(null));
            Assert.Null(warmUp.Failure);
            Assert.Equal(3, warmUp.DiscardedEvents);
            Assert.Equal(1, leavesWarmed);
            Assert.Equal(1, listener.Server.Statistics.Exchanges);
            await listener.StopAsync();
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task After_the_warm_up_checked_its_throwaway_certificate_the_listener_trusts_exactly_what_it_trusted_before()
    {
        var home = Directory.CreateTempSubdirectory("tt-e2e-warmup-trust-").FullName;
        using var trusted = new TestCertificateAuthority("Warm-up Trust Upstream Root");
        using var untrusted = new TestCertificateAuthority("Warm-up Untrusted Upstream Root");
        await using var anthropic = await MockUpstream.StartAsync(trusted.IssueServerCertificate(["localhost"]));
        await using var openai = await MockUpstream.StartAsync(untrusted.IssueServerCertificate(["localhost"]));
        var fixture = FixtureCases.Get("anthropic-sse");
        var bytes = ExchangeDriver.Fixture(fixture.File);
        anthropic.Map("POST", "/v1/messages", MockResponses.Bytes(bytes, "text/event-stream", 200, ("request-id", "req_after_warmup")));
        openai.Map("POST", "/v1/chat/completions", MockResponses.Json("{}"));
        try
        {
            using var runtime = new TokentapRuntime(new TokentapPaths(home), new UsageRecorderOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
            var listener = await runtime.StartListenerAsync(new ListenerRequest
            {
                UpstreamOverrides = new Dictionary<string, Uri>
                {
                    ["api.anthropic.com"] = anthropic.BaseUri,
                    ["api.openai.com"] = openai.BaseUri,
                },
                UpstreamCaFile = trusted.PemPath,
            });
            await listener.WarmUp!.Completion.WaitAsync(Patience);
            Assert.Null(listener.WarmUp.Failure);
            Assert.True(listener.WarmUp.UpstreamCheckWarmed);

            using var client = TestClients.Create(new Uri(listener.ProxyUrl), [listener.Authority.Certificate]);
            using var refused = await client.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.BadGateway, refused.StatusCode);
            Assert.Contains("untrusted root", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Empty(openai.Requests);
            using var response = await client.PostAsync($"https://{fixture.Host}{fixture.PathAndQuery}", new StringContent(fixture.RequestBody, Encoding.UTF8, "application/json"));
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());

            var stored = new List<UsageEvent>();
            for (var deadline = DateTime.UtcNow + Patience; stored.Count < 2 && DateTime.UtcNow < deadline; await Task.Delay(20))
            {
                await runtime.FlushAsync();
                stored = runtime.Store.Query(UsageFilter.All).ToList();
            }

            Assert.Equal(2, stored.Count);
            FixtureParsingTests.AssertExpected(fixture.Expected, 200, Assert.Single(stored, e => e.RequestId == "req_after_warmup"));
            Assert.Equal(1, listener.Server.Statistics.Failures(ProxyFailureKind.UpstreamCertificate));
            Assert.Equal(2, listener.Server.Statistics.Exchanges);
            await listener.StopAsync();
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>
    /// A stop never waits for the warm-up: Dispose returns while the warm-up is still held inside its stream (a
    /// Dispose that waited for it would never return here), and the warm-up then ends without a failure or an event.
    /// </summary>
    [Fact]
    public async Task Cancelling_the_warm_up_mid_stream_returns_at_once_and_ends_it_quietly()
    {
        var home = Directory.CreateTempSubdirectory("tt-e2e-warmup-cancel-").FullName;
        try
        {
            using var runtime = new TokentapRuntime(new TokentapPaths(home));
            var listener = await runtime.StartListenerAsync(new ListenerRequest());
            var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var leavesWarmed = 0;
            var warmUp = EndToEndWarmUp.Start(
                listener.Authority,
                listener.Server.Options.InterceptHosts,
                () => runtime.Prices,
                clientProcesses: null,
                () => Interlocked.Increment(ref leavesWarmed),
                midStream: async token =>
                {
                    streaming.TrySetResult();
                    await released.Task;
                    token.ThrowIfCancellationRequested();
                });
            await streaming.Task.WaitAsync(Patience);

            await Task.Run(warmUp.Dispose).WaitAsync(Patience);
            Assert.False(warmUp.Completion.IsCompleted, "the warm-up is still held in its stream");
            released.SetResult();
            await warmUp.Completion.WaitAsync(Patience);

            Assert.Null(warmUp.Failure);
            Assert.Equal(0, warmUp.CompletedExchanges);
            Assert.Equal(0, leavesWarmed);
            Assert.Equal(0, runtime.CapturedEvents(null));
            await listener.StopAsync();
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_delayed_warm_up_has_not_begun_before_its_delay_and_a_stop_meanwhile_ends_it()
    {
        var home = Directory.CreateTempSubdirectory("tt-e2e-warmup-delay-").FullName;
        try
        {
            var paths = new TokentapPaths(home);
            CertificateAuthority.Open(paths, InterceptHostList.DefaultPatterns).Authority.Dispose();
            using var runtime = new TokentapRuntime(paths);
            var listener = await runtime.StartListenerAsync(new ListenerRequest { WarmUpDelay = TimeSpan.FromHours(1) });
            await Task.Delay(300);

            Assert.False(listener.WarmUp!.Completion.IsCompleted);
            Assert.Empty(listener.Authority.CachedLeafHosts);

            // Nothing before the warm-up or the first intercepted connection needs the CA's key in the crypto library
            // or a price: the start read the CA's files with the managed reader only and the price table is unread.
            Assert.False(listener.Authority.IsSigningLoaded);
            Assert.False(listener.Server.UpstreamClientCreated);
            Assert.False(runtime.Prices.IsLoaded);
            Assert.Empty(runtime.DrainNotices());
            Assert.False(runtime.Prices.IsLoaded);
            await listener.StopAsync();
            await listener.WarmUp.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Null(listener.WarmUp.Failure);
            Assert.Equal(0, listener.WarmUp.CompletedExchanges);
            Assert.Equal(0, listener.WarmUp.DiscardedEvents);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_listener_stopped_right_after_it_started_cancels_its_warm_up()
    {
        var home = Directory.CreateTempSubdirectory("tt-e2e-warmup-stop-").FullName;
        try
        {
            using var runtime = new TokentapRuntime(new TokentapPaths(home));
            var listener = await runtime.StartListenerAsync(new ListenerRequest());
            await listener.StopAsync();

            await listener.WarmUp!.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Null(listener.WarmUp.Failure);
            Assert.True(listener.WarmUp.CompletedExchanges < 3, $"{listener.WarmUp.CompletedExchanges} exchanges ran after the stop");
            Assert.Equal(0, runtime.CapturedEvents(null));
            Assert.Empty(runtime.Listeners);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
