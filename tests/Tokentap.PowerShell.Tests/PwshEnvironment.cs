// The environment a test pwsh starts with: this process's own, minus any proxy or CA variables a hosted test set,
// with its own Tokentap data folder.
namespace Tokentap.PowerShell.Tests;

public static class PwshEnvironment
{
    /// <summary>Every variable Start-Tokentap sets for a session.</summary>
    public static readonly IReadOnlyList<string> SessionVariables =
    [
        "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "NODE_EXTRA_CA_CERTS",
        "NODE_USE_ENV_PROXY", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "CODEX_CA_CERTIFICATE",
    ];

    /// <summary>
    /// No session variables, TOKENTAP_HOME as given (null: unset, so the module uses ~/.tokentap), plain text
    /// output (NO_COLOR), and no build servers left behind by a dotnet the pwsh runs.
    /// </summary>
    public static Dictionary<string, string?> Clean(string? tokentapHome)
    {
        var environment = SessionVariables.ToDictionary(n => n, _ => (string?)null);
        environment["TOKENTAP_HOME"] = tokentapHome;
        environment["NO_COLOR"] = "1";
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        return environment;
    }
}
