// RFC 9110 section 7.6.1: which header fields belong to one connection and must not be forwarded.
namespace Tokentap.Engine.Proxy;

/// <summary>Hop-by-hop header rules shared by the request and response paths.</summary>
internal static class HopByHopHeaders
{
    private static readonly HashSet<string> Fixed = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection",
        "Keep-Alive",
        "Proxy-Connection",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "TE",
        "Trailer",
        "Transfer-Encoding",
        "Upgrade",
    };

    /// <summary>
    /// True when a field must not be forwarded: a fixed hop-by-hop field or one the Connection field lists.
    /// For WebSocket upgrades Upgrade is end-to-end in effect (the proxy re-adds Connection: Upgrade itself).
    /// </summary>
    public static bool IsHopByHop(string name, string? connectionValue, bool keepUpgrade)
    {
        if (keepUpgrade && name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return Fixed.Contains(name) || (connectionValue is not null && ListContains(connectionValue, name));
    }

    /// <summary>True when a comma-separated field value contains the token (case-insensitive, whitespace ignored).</summary>
    public static bool ListContains(string value, string token)
    {
        var span = value.AsSpan();
        while (!span.IsEmpty)
        {
            var comma = span.IndexOf(',');
            var item = (comma < 0 ? span : span[..comma]).Trim(" \t");
            if (item.Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (comma < 0)
            {
                break;
            }

            span = span[(comma + 1)..];
        }

        return false;
    }
}
