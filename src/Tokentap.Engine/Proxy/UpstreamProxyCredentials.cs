// Credentials embedded in an upstream proxy URI (http://user:password@proxy:3128).
using System.Net;
using System.Text;

namespace Tokentap.Engine.Proxy;

/// <summary>Reads the user information of a proxy URI.</summary>
internal static class UpstreamProxyCredentials
{
    /// <summary>The credentials in the URI, or null when it carries none.</summary>
    public static NetworkCredential? FromUri(Uri proxy)
    {
        if (string.IsNullOrEmpty(proxy.UserInfo))
        {
            return null;
        }

        var parts = proxy.UserInfo.Split(':', 2);
        return new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
    }

    /// <summary>A Proxy-Authorization: Basic value for the URI's credentials, or null.</summary>
    public static string? BasicAuthorization(Uri proxy)
    {
        var credential = FromUri(proxy);
        return credential is null
            ? null
            : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password));
    }
}
