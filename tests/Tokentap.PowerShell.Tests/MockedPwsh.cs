// Script text and environment for the real pwsh against the mock providers: the module imported, a Tokentap home of
// its own, the npm clients on PATH, and Claude Code set up as CLIENTS.md describes (throw-away HOME, dummy key).
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

internal sealed class MockedPwsh : IDisposable
{
    private readonly ModuleFixture _module;
    private readonly MockProviders _providers;

    public MockedPwsh(ModuleFixture module, MockProviders providers)
    {
        _module = module;
        _providers = providers;
        Root = Directory.CreateTempSubdirectory("tt-real-pwsh-").FullName;
        foreach (var folder in new[] { "tokentap", "home", "claude-config", "bin" })
        {
            Directory.CreateDirectory(Path.Combine(Root, folder));
        }
    }

    /// <summary>The temp folder holding this shell's Tokentap home, HOME, Claude config and extra programs.</summary>
    public string Root { get; }

    /// <summary>Programs placed here are found on PATH before everything else.</summary>
    public string BinDirectory => Path.Combine(Root, "bin");

    /// <summary>
    /// Import-Module of the built layout, then Start-Tokentap on a free port with every provider host sent to the mock
    /// (-NoEnvironment unless <paramref name="environment"/>), with <paramref name="session"/> as its Session.
    /// </summary>
    public string Preamble(string session, bool environment)
    {
        var overrides = string.Join("; ", _providers.Overrides.Select(o => $"'{o.Key}' = '{o.Value}'"));
        var noEnvironment = environment ? "" : " -NoEnvironment";
        return $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module '{{_module.ManifestPath}}'
            $null = Start-Tokentap -Port 0 -Session '{{session}}' -UpstreamOverride @{ {{overrides}} } -UpstreamCaFile '{{_providers.Authority.PemPath}}'{{noEnvironment}}
            $ErrorActionPreference = 'Continue'

            """;
    }

    /// <summary>Runs the script in the real pwsh with this shell's environment.</summary>
    public ChildResult Run(string script, int timeoutSeconds = 180) =>
        PwshProcess.Run(script, Environment(), Root, timeoutSeconds);

    /// <summary>The variables the shell starts with: no proxy left over from the test process.</summary>
    public Dictionary<string, string?> Environment()
    {
        var nodeBin = Path.Combine(NodeClients.Directory(_module.RepoRoot), "node_modules", ".bin");
        var environment = new Dictionary<string, string?>
        {
            ["TOKENTAP_HOME"] = Path.Combine(Root, "tokentap"),
            ["HOME"] = Path.Combine(Root, "home"),
            ["CLAUDE_CONFIG_DIR"] = Path.Combine(Root, "claude-config"),
            ["ANTHROPIC_API_KEY"] = "dummy",
            ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            ["PATH"] = string.Join(Path.PathSeparator, BinDirectory, nodeBin, System.Environment.GetEnvironmentVariable("PATH")),
        };
        foreach (var name in new[] { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "NO_PROXY", "no_proxy", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "CURL_CA_BUNDLE", "ANTHROPIC_BASE_URL", "XDG_CONFIG_HOME" })
        {
            environment[name] = null;
        }

        return environment;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its test may still hold a file; the OS temp cleaner takes it.
        }
    }
}
