// What a caller asks of one proxy listener: port, hosts, upstream routing and attribution.
namespace Tokentap.Engine.Hosting;

/// <summary>Options for <see cref="TokentapRuntime.StartListenerAsync"/>.</summary>
public sealed record ListenerRequest
{
    /// <summary>The port to listen on; 0 for an ephemeral one. See <see cref="FallBackToNextFreePort"/>.</summary>
    public int Port { get; init; }

    /// <summary>When the port is taken, listen on the next free one instead of failing.</summary>
    public bool FallBackToNextFreePort { get; init; }

    /// <summary>Hosts to intercept on top of the default list: "host" or "host=format" (anthropic, openai-chat,
    /// openai-responses, gemini); wildcards like *.example.com allowed.</summary>
    public IReadOnlyList<string> AdditionalInterceptHosts { get; init; } = Array.Empty<string>();

    /// <summary>Host to base URI replacements for upstream requests (tests, corporate gateways).</summary>
    public IReadOnlyDictionary<string, Uri> UpstreamOverrides { get; init; } = new Dictionary<string, Uri>();

    /// <summary>The proxy upstream traffic goes through (the user's previous HTTPS_PROXY).</summary>
    public Uri? UpstreamProxy { get; init; }

    /// <summary>An extra PEM root trusted for upstream certificates.</summary>
    public string? UpstreamCaFile { get; init; }

    /// <summary>Attribution for every exchange this listener serves.</summary>
    public Proxy.ExchangeTags Tags { get; init; } = Proxy.ExchangeTags.None;

    /// <summary>Capture billed calls' content (redacted) even when content.json does not turn it on.</summary>
    public bool CaptureContent { get; init; }

    /// <summary>
    /// How long after the listener starts its end-to-end warm-up begins (Hosting/EndToEndWarmUp): zero at once; the
    /// module waits a moment so the warm-up does not compete with the rest of the shell's start.
    /// </summary>
    public TimeSpan WarmUpDelay { get; init; }

    /// <summary>How long to wait for an upstream's response headers (null: the proxy's default).</summary>
    public TimeSpan? UpstreamResponseHeadersTimeout { get; init; }
}
