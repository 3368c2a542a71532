// Base-URL mode: origin-form paths under /anthropic, /openai and /gemini map to the providers' real hosts.
namespace Tokentap.Engine.Proxy;

/// <summary>The prefixes tools put in a base URL (ANTHROPIC_BASE_URL=http://127.0.0.1:8080/anthropic).</summary>
internal static class BaseUrlRoutes
{
    private static readonly (string Prefix, string Host)[] Routes =
    {
        ("/anthropic", "api.anthropic.com"),
        ("/openai", "api.openai.com"),
        ("/gemini", "generativelanguage.googleapis.com"),
    };

    /// <summary>A short text for requests that match no route.</summary>
    public static string HelpText(int port) =>
        "This is the Tokentap proxy. Use it as a proxy (HTTPS_PROXY=http://127.0.0.1:" + port + ") or as a base URL: " +
        "http://127.0.0.1:" + port + "/anthropic (api.anthropic.com), /openai (api.openai.com), " +
        "/gemini (generativelanguage.googleapis.com).\n";

    /// <summary>Maps an origin-form target to the provider host and the path and query to send there.</summary>
    public static bool TryMap(string target, out string host, out string pathAndQuery)
    {
        foreach (var (prefix, routeHost) in Routes)
        {
            if (!target.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = target[prefix.Length..];
            if (rest.Length == 0 || rest[0] == '/' || rest[0] == '?')
            {
                host = routeHost;
                pathAndQuery = rest.Length == 0 || rest[0] == '?' ? "/" + rest : rest;
                return true;
            }
        }

        host = pathAndQuery = string.Empty;
        return false;
    }
}
