// Who may use the dashboard: a loopback Host header (DNS-rebinding defence) and the per-start token or its cookie.
using System.Security.Cryptography;
using System.Text;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// The dashboard's access rules. A random token is made per start; the first request carries it in the URL
/// (?token=...) and is answered with an HttpOnly SameSite=Strict cookie and a redirect to the same address without it,
/// so the token leaves the address bar and the history. Every other request needs the cookie. The Host header must
/// name this port on a loopback name, so a page of another site whose DNS name was rebound to 127.0.0.1 is refused.
/// </summary>
internal sealed class DashboardAccess
{
    public const string TokenParameter = "token";

    private readonly byte[] _token;
    private readonly HashSet<string> _hosts;

    public DashboardAccess(int port, string? token = null)
    {
        Token = token ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        _token = Encoding.ASCII.GetBytes(Token);
        CookieName = $"tokentap_dashboard_{port}";
        _hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { $"127.0.0.1:{port}", $"localhost:{port}", $"[::1]:{port}" };
    }

    /// <summary>The access token (64 hex digits).</summary>
    public string Token { get; }

    /// <summary>The cookie's name: per port, since browsers share cookies across the ports of one host.</summary>
    public string CookieName { get; }

    /// <summary>True when the Host header names this dashboard on a loopback name.</summary>
    public bool IsAllowedHost(string? host) => host is not null && _hosts.Contains(host);

    /// <summary>True when <paramref name="candidate"/> is the token (compared in constant time).</summary>
    public bool IsToken(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), _token);

    /// <summary>The token the request's Cookie header carries for this dashboard, if any.</summary>
    public string? CookieToken(string? cookieHeader)
    {
        if (cookieHeader is null)
        {
            return null;
        }

        foreach (var part in cookieHeader.Split(';'))
        {
            var equals = part.IndexOf('=');
            if (equals > 0 && part[..equals].Trim() == CookieName)
            {
                return part[(equals + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>The Set-Cookie value that grants access: HttpOnly, SameSite=Strict, for the whole dashboard, session-long.</summary>
    public string GrantCookie() => $"{CookieName}={Token}; Path=/; HttpOnly; SameSite=Strict";
}
