// Right after a listener starts: real exchanges through the proxy code to an upstream of the warm-up's own, so the
// session's first intercepted request does not pay for compiling the TLS, HTTP, tee, parser and pricing paths.
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Clients;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Hosting;

/// <summary>
/// A private <see cref="ProxyServer"/> (ephemeral loopback port, the listener's CA, intercept list and client-process
/// resolver) whose observer is a <see cref="UsageObserver"/> over the runtime's price table publishing into a
/// <see cref="DiscardingSink"/>: the same parser, tap and pricing code as the real listener, and nothing reaches the
/// store, budgets, anomalies, export or the live view. Its one upstream is <see cref="WarmUpUpstream"/>, trusted by
/// that private proxy alone (<see cref="ProxyOptions.UpstreamTrustedRoots"/>); the user's listener keeps the
/// platform's checks. A client of its own sends, over one CONNECT tunnel to api.anthropic.com with TLS against the
/// Tokentap CA, a streamed request (chunked SSE), a JSON one (Content-Length) and a gzip one; then the real listener's
/// upstream certificate check runs once on the throwaway certificate (it fails: nothing is trusted), so the first real
/// upstream handshake does not load the system roots or the custom trust store. Runs on the thread
/// pool beside real requests (which it shares nothing with but the CA's leaf cache and the compiled code), never
/// throws, and <see cref="Dispose"/> cancels it at once: its sockets close synchronously, nothing is awaited.
/// </summary>
internal sealed class EndToEndWarmUp : IDisposable
{
    /// <summary>The host the warm-up's requests name (its leaf is the one the first real Claude request uses).</summary>
    public const string Host = "api.anthropic.com";

    /// <summary>The exchanges one warm-up makes; each publishes one (discarded) event.</summary>
    public static readonly IReadOnlyList<string> Exchanges = ["sse", "json", "gzip"];

    private readonly CancellationTokenSource _cancel = new();
    private readonly DiscardingSink _sink = new();
    private int _disposed;

    private EndToEndWarmUp()
    {
    }

    /// <summary>Ends when the warm-up is done, failed or was cancelled; never faults.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Events the warm-up's observer produced (and dropped).</summary>
    public long DiscardedEvents => _sink.Discarded;

    /// <summary>Exchanges whose response the warm-up's client read to the end.</summary>
    public int CompletedExchanges { get; private set; }

    /// <summary>True once the real listener's upstream certificate check ran on the warm-up's certificate.</summary>
    public bool UpstreamCheckWarmed { get; private set; }

    /// <summary>Why the warm-up stopped early (null: it ran to the end, or was cancelled).</summary>
    public string? Failure { get; private set; }

    /// <summary>
    /// Starts the warm-up in the background after <paramref name="delay"/>; <paramref name="thenWarmLeaves"/> runs after
    /// it (also when it fails, not when cancelled). <paramref name="upstreamCheck"/> is the real listener's upstream
    /// certificate check (<see cref="ProxyServer.WarmUpstreamCertificateCheck"/>), given the warm-up upstream's certificate
    /// after the exchanges. <paramref name="midStream"/> (tests) holds the streamed response after its first event.
    /// </summary>
    public static EndToEndWarmUp Start(
        CertificateAuthority authority,
        InterceptHostList hosts,
        Func<PriceTable> prices,
        IClientProcessResolver? clientProcesses,
        Action thenWarmLeaves,
        TimeSpan delay = default,
        Func<CancellationToken, Task>? midStream = null,
        Action<X509Certificate2>? upstreamCheck = null)
    {
        var warmUp = new EndToEndWarmUp();
        warmUp.Completion = Task.Run(async () =>
        {
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    // A stop during the delay (a shell closed within a second of its start) ends it without an
                    // exception: the cancellation runs this continuation on the stopping thread, where a first
                    // exception of the process cost about 80 methods of JIT compilation at every quick exit.
                    await Task.Delay(delay, warmUp._cancel.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (warmUp._cancel.IsCancellationRequested)
                    {
                        return;
                    }
                }

                await warmUp.RunAsync(authority, hosts, prices, clientProcesses, midStream, upstreamCheck).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                warmUp.Failure = warmUp._cancel.IsCancellationRequested ? null : $"{ex.GetType().Name}: {ex.Message}";
            }

            if (!warmUp._cancel.IsCancellationRequested)
            {
                thenWarmLeaves();
            }
        });
        return warmUp;
    }

    /// <summary>Cancels the warm-up; its listening sockets are closed before this returns.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _cancel.Cancel();
        }
    }

    private async Task RunAsync(CertificateAuthority authority, InterceptHostList hosts, Func<PriceTable> prices, IClientProcessResolver? clientProcesses, Func<CancellationToken, Task>? midStream, Action<X509Certificate2>? upstreamCheck)
    {
        var token = _cancel.Token;
        using var upstream = WarmUpUpstream.Start(token, midStream);
        await using var server = new ProxyServer(new ProxyOptions
        {
            CertificateAuthority = authority,
            Observer = new UsageObserver(prices(), _sink),
            Port = 0,
            ListenOnIPv6Loopback = false,
            InterceptHosts = hosts,
            UpstreamOverrides = new Dictionary<string, Uri> { [Host] = upstream.BaseUri },
            UpstreamTrustedRoots = [upstream.PublicCertificate()],
            ClientProcesses = clientProcesses,
            StopGracePeriod = TimeSpan.Zero,
        });
        token.ThrowIfCancellationRequested();
        server.Start();
        using var stopOnCancel = token.Register(() =>
        {
            upstream.Dispose();
            _ = server.StopAsync(TimeSpan.Zero);
        });

        using var handler = new SocketsHttpHandler
        {
            UseProxy = true,
            Proxy = new FixedWebProxy(server.ProxyUri),
            AutomaticDecompression = DecompressionMethods.GZip,
            SslOptions = ClientSslOptions(authority.Certificate),
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        foreach (var kind in Exchanges)
        {
            await ExchangeAsync(client, kind, token).ConfigureAwait(false);
            CompletedExchanges++;
        }

        if (upstreamCheck is not null)
        {
            token.ThrowIfCancellationRequested();
            using var certificate = upstream.PublicCertificate();
            upstreamCheck(certificate);
            UpstreamCheckWarmed = true;
        }
    }

    private static async Task ExchangeAsync(HttpClient client, string kind, CancellationToken token)
    {
        var stream = kind == "sse" ? "true" : "false";
        var body = $$"""{"model":"{{WarmUpUpstream.Model}}","max_tokens":16,"stream":{{stream}},"messages":[{"role":"user","content":"warm up"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://{Host}/v1/messages")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WarmUpUpstream.Header, kind);
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var content = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await content.CopyToAsync(Stream.Null, token).ConfigureAwait(false);
    }

    // The warm-up's client trusts the Tokentap CA for this connection only (a custom root, no callback that accepts all).
    private static SslClientAuthenticationOptions ClientSslOptions(X509Certificate2 authority)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(new X509Certificate2(authority.RawData));
        return new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
    }
}
