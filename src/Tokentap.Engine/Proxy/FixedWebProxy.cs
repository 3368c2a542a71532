// The one upstream proxy the user configured, used for every destination (loopback included: no silent bypass).
using System.Net;

namespace Tokentap.Engine.Proxy;

/// <summary>An <see cref="IWebProxy"/> that sends everything through one proxy URI.</summary>
internal sealed class FixedWebProxy : IWebProxy
{
    private readonly Uri _proxy;

    public FixedWebProxy(Uri proxy)
    {
        _proxy = new UriBuilder(proxy) { UserName = string.Empty, Password = string.Empty }.Uri;
        Credentials = UpstreamProxyCredentials.FromUri(proxy);
    }

    public ICredentials? Credentials { get; set; }

    public Uri GetProxy(Uri destination) => _proxy;

    public bool IsBypassed(Uri host) => false;
}
