// The kinds of trouble a proxy listener counts, so status output can say what went wrong and how often.
namespace Tokentap.Engine.Proxy;

/// <summary>What failed.</summary>
public enum ProxyFailureKind
{
    /// <summary>A client sent a request the proxy refused (400, 413, 431, 501).</summary>
    MalformedRequest,

    /// <summary>The upstream (or the upstream proxy) could not be reached: 502.</summary>
    UpstreamUnreachable,

    /// <summary>The upstream's certificate was rejected: 502, nothing sent.</summary>
    UpstreamCertificate,

    /// <summary>The upstream sent no response headers in time: 504.</summary>
    UpstreamTimeout,

    /// <summary>The upstream connection broke while the response was being relayed.</summary>
    UpstreamCut,

    /// <summary>The client went away before its response was complete.</summary>
    ClientAborted,

    /// <summary>The client's TLS handshake with Tokentap's leaf failed (often: the Tokentap CA is not trusted).</summary>
    ClientTls,

    /// <summary>A blind tunnel could not be opened or broke.</summary>
    Tunnel,

    /// <summary>An observer or tap threw.</summary>
    ObserverException,

    /// <summary>A request gate threw (the request was let through).</summary>
    GateException,

    /// <summary>A tap fell too far behind and stopped being fed.</summary>
    ObserverOverflow,

    /// <summary>Anything else: a bug, recorded instead of crashing the host process.</summary>
    Internal,
}
