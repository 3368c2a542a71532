// How an exchange ended, as handed to observers.
namespace Tokentap.Engine.Proxy;

/// <summary>The end of one exchange.</summary>
public sealed class ExchangeCompletion
{
    /// <summary>Milliseconds from the request start to the end of the response (or of the failure).</summary>
    public required double DurationMs { get; init; }

    /// <summary>The client went away before the response was complete; the upstream request was cancelled.</summary>
    public bool ClientAborted { get; init; }

    /// <summary>Why the upstream part failed (unreachable, certificate rejected, timeout, cut mid-stream); else null.</summary>
    public string? UpstreamError { get; init; }

    /// <summary>The status the proxy answered with itself when the upstream gave none (502, 504); else null.</summary>
    public int? ProxyStatusCode { get; init; }

    /// <summary>Why a request gate refused the request (the proxy answered <see cref="ProxyStatusCode"/> itself and sent nothing upstream); else null.</summary>
    public string? Refusal { get; init; }

    /// <summary>The tap fell too far behind and stopped receiving body chunks; what it saw is incomplete.</summary>
    public bool ObserverOverflow { get; init; }

    /// <summary>The proxy could not decode the response's Content-Encoding for the observer.</summary>
    public string? DecodeError { get; init; }

    /// <summary>Response body bytes received from upstream (before decoding).</summary>
    public long ResponseBytes { get; init; }
}
