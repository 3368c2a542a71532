// How a request reached the proxy: a decrypted CONNECT tunnel, a base URL, or plain HTTP.
namespace Tokentap.Engine.Proxy;

/// <summary>How a request reached the proxy.</summary>
public enum ProxyRoute
{
    /// <summary>Through a CONNECT tunnel that the proxy decrypted (HTTPS_PROXY clients).</summary>
    Connect,

    /// <summary>Origin-form request under /anthropic, /openai or /gemini (base-URL mode).</summary>
    BaseUrl,

    /// <summary>Absolute-form http:// request (plain HTTP proxy).</summary>
    PlainHttp,
}
