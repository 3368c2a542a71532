// Tests for the session variables Start-Tokentap sets and Get-TokentapEnvironment prints.
using Tokentap.Engine.SessionVariables;

namespace Tokentap.Engine.Tests.SessionVariables;

public sealed class SessionEnvironmentTests
{
    private static IReadOnlyList<TokentapEnvironmentVariable> Compute(Dictionary<string, string> existing, bool caseSensitive = true) =>
        SessionEnvironment.Compute("http://127.0.0.1:8080", "/h/ca/ca.pem", "/h/ca/bundle.pem", n => existing.GetValueOrDefault(n), caseSensitive);

    [Fact]
    public void Sets_proxy_no_proxy_and_trust_variables_with_the_bundle_where_trust_is_replaced()
    {
        var variables = Compute(new()).ToDictionary(v => v.Name, v => v.Value);

        Assert.Equal(12, variables.Count);
        Assert.Equal("http://127.0.0.1:8080", variables["HTTPS_PROXY"]);
        Assert.Equal("http://127.0.0.1:8080", variables["https_proxy"]);
        Assert.Equal("http://127.0.0.1:8080", variables["HTTP_PROXY"]);
        Assert.Equal("http://127.0.0.1:8080", variables["http_proxy"]);
        Assert.Equal("localhost,127.0.0.1,::1", variables["NO_PROXY"]);
        Assert.Equal("localhost,127.0.0.1,::1", variables["no_proxy"]);
        Assert.Equal("/h/ca/ca.pem", variables["NODE_EXTRA_CA_CERTS"]);
        Assert.Equal("1", variables["NODE_USE_ENV_PROXY"]);
        foreach (var name in new[] { "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "CODEX_CA_CERTIFICATE" })
        {
            Assert.Equal("/h/ca/bundle.pem", variables[name]);
        }
    }

    [Fact]
    public void No_proxy_keeps_both_spellings_of_the_users_entries_once_each()
    {
        var variables = Compute(new() { ["NO_PROXY"] = "corp.example, localhost", ["no_proxy"] = ".internal,corp.example" });

        Assert.Equal("corp.example,localhost,.internal,127.0.0.1,::1", variables.Single(v => v.Name == "NO_PROXY").Value);
    }

    [Fact]
    public void Case_insensitive_environments_get_each_name_once()
    {
        var names = Compute(new(), caseSensitive: false).Select(v => v.Name).ToList();

        Assert.Equal(9, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("HTTPS_PROXY", names);
    }

    [Fact]
    public void Formats_for_dotenv_powershell_and_posix_with_safe_quoting()
    {
        var variables = new[]
        {
            new TokentapEnvironmentVariable("A", "plain", ""),
            new TokentapEnvironmentVariable("B", "it's $HOME", ""),
        };

        Assert.Equal("A=plain\nB=\"it's \\$HOME\"\n", SessionEnvironment.Format(variables, TokentapEnvironmentFormat.DotEnv));
        Assert.Equal("$env:A = 'plain'\n$env:B = 'it''s $HOME'\n", SessionEnvironment.Format(variables, TokentapEnvironmentFormat.PowerShell));
        Assert.Equal("export A='plain'\nexport B='it'\\''s $HOME'\n", SessionEnvironment.Format(variables, TokentapEnvironmentFormat.Posix));
    }
}
