// The environment variables that make a shell's clients use the proxy and trust the Tokentap CA: one function,
// used by Start-Tokentap, Invoke-TokentapCommand and Get-TokentapEnvironment alike.
using System.Text;
using Tokentap.Engine.Certificates;

namespace Tokentap.Engine.SessionVariables;

/// <summary>Computes and formats the session variables.</summary>
public static class SessionEnvironment
{
    /// <summary>Hosts that must never go through the proxy (Claude Code needs 127.0.0.1 listed apart from localhost).</summary>
    public static readonly IReadOnlyList<string> LoopbackNoProxy = new[] { "localhost", "127.0.0.1", "::1" };

    private const string SystemRootsPlusCa = "system roots plus the Tokentap CA";

    /// <summary>
    /// The variables for a proxy at <paramref name="proxyUrl"/>. NO_PROXY keeps whatever the user had (from NO_PROXY
    /// and no_proxy) and adds the loopback names. Trust variables that replace the system roots (SSL_CERT_FILE,
    /// REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, CODEX_CA_CERTIFICATE) get the combined bundle, never the CA alone.
    /// Trust the user already set is kept: a variable naming the user's own file (or, when unset, the variable its
    /// client falls back to) gets that file plus the Tokentap CA, written owner-only beside the CA; a user file that
    /// cannot be read gets a warning through <paramref name="warn"/> and the default value.
    /// On Windows, where variable names ignore case, each name appears once.
    /// </summary>
    public static IReadOnlyList<TokentapEnvironmentVariable> Compute(
        string proxyUrl,
        string caCertificatePath,
        string bundlePath,
        Func<string, string?> currentValue,
        bool caseSensitiveNames,
        Action<string>? warn = null)
    {
        var noProxy = MergeNoProxy(currentValue("NO_PROXY"), currentValue("no_proxy"));
        var trust = new UserTrust(caCertificatePath, currentValue, warn ?? (_ => { }));
        var variables = new List<TokentapEnvironmentVariable>
        {
            new("HTTPS_PROXY", proxyUrl, "Proxy for https:// requests (Claude Code, Codex, Gemini CLI, curl, Python)."),
            new("https_proxy", proxyUrl, "Lowercase form read by curl and some Rust and Go clients."),
            new("HTTP_PROXY", proxyUrl, "Proxy for http:// requests."),
            new("http_proxy", proxyUrl, "Lowercase form of HTTP_PROXY."),
            new("NO_PROXY", noProxy, "Hosts that bypass the proxy: yours plus loopback."),
            new("no_proxy", noProxy, "Lowercase form of NO_PROXY."),
            trust.Variable("NODE_EXTRA_CA_CERTS", caCertificatePath, "Node.js (Claude Code, Gemini CLI, SDKs) adds {0} to its roots.", "the Tokentap CA"),
            new("NODE_USE_ENV_PROXY", "1", "Node.js 22.21+/24.5+ built-in fetch honours HTTPS_PROXY."),
            trust.Variable("SSL_CERT_FILE", bundlePath, "OpenSSL-based clients and Codex: {0}.", SystemRootsPlusCa),
            trust.Variable("REQUESTS_CA_BUNDLE", bundlePath, "Python requests (aider): {0}.", SystemRootsPlusCa, "CURL_CA_BUNDLE"),
            trust.Variable("CURL_CA_BUNDLE", bundlePath, "curl: {0}.", SystemRootsPlusCa, "SSL_CERT_FILE"),
            trust.Variable("CODEX_CA_CERTIFICATE", bundlePath, "Codex CLI: {0}.", SystemRootsPlusCa, "SSL_CERT_FILE"),
        };

        return caseSensitiveNames
            ? variables
            : variables.DistinctBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The user's NO_PROXY entries (both spellings, in order, without duplicates) plus the loopback names.</summary>
    public static string MergeNoProxy(params string?[] existing)
    {
        var entries = existing
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Concat(LoopbackNoProxy)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        return string.Join(',', entries);
    }

    /// <summary>The variables as text to paste into a .env file, another PowerShell, or a POSIX shell.</summary>
    public static string Format(IEnumerable<TokentapEnvironmentVariable> variables, TokentapEnvironmentFormat format)
    {
        var text = new StringBuilder();
        foreach (var variable in variables)
        {
            text.Append(format switch
            {
                TokentapEnvironmentFormat.DotEnv => $"{variable.Name}={DotEnvValue(variable.Value)}",
                TokentapEnvironmentFormat.PowerShell => $"$env:{variable.Name} = '{variable.Value.Replace("'", "''", StringComparison.Ordinal)}'",
                TokentapEnvironmentFormat.Posix => $"export {variable.Name}='{variable.Value.Replace("'", "'\\''", StringComparison.Ordinal)}'",
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Objects are not text."),
            });
            text.Append('\n');
        }

        return text.ToString();
    }

    private static string DotEnvValue(string value) =>
        value.IndexOfAny(new[] { ' ', '#', '"', '\'', '$', '\\' }) < 0
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal) + "\"";
}
