// Start-Tokentap in a real pwsh: a client run after Set-Location into a git repository is recorded with that
// repository as its Project, and with its own process id and name.
using System.Text.Json;
using Tokentap.Testing;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ClientProjectTests(ModuleFixture module, MockProvidersFixture mocks) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tt-client-project-home-").FullName;
    private readonly string _repository = Directory.CreateTempSubdirectory("tt-client-project-repo-").FullName;

    public void Dispose()
    {
        Directory.Delete(_home, recursive: true);
        Directory.Delete(_repository, recursive: true);
    }

    [Fact]
    public void Curl_run_from_a_folder_of_a_git_repository_under_Start_Tokentap_is_recorded_with_the_repository_as_its_project()
    {
        var git = ChildProcess.Run("git", ["init", "-q", _repository]);
        Assert.True(git.ExitCode == 0, git.Stderr);
        var nested = Directory.CreateDirectory(Path.Combine(_repository, "src", "deep")).FullName;

        // bash prints its own id and then becomes curl (exec keeps the id), so the test knows the client's id.
        var script = $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module -Name {{Quote(module.ManifestPath)}}
            $null = Start-Tokentap -Port 0 -Session 'client-project' -UpstreamOverride @{ 'api.anthropic.com' = {{Quote(mocks.Providers.Overrides["api.anthropic.com"].ToString())}} } -UpstreamCaFile {{Quote(mocks.Providers.Authority.PemPath)}}
            Set-Location -LiteralPath {{Quote(nested)}}
            $clientId = bash -c 'echo $$; exec curl -sS -o /dev/null --json "$1" "$2"' bash '{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}' 'https://api.anthropic.com/v1/messages'
            if ($LASTEXITCODE -ne 0) { throw "curl exited $LASTEXITCODE" }
            $null = Stop-Tokentap
            $events = @(Get-TokenUsage -Project {{Quote(_repository)}} | Select-Object Project, ClientProcessId, ClientProcessName, App, Session, InputTokens)
            [pscustomobject]@{ ClientId = [int]$clientId; Events = $events } | ConvertTo-Json -Depth 3 -Compress
            """;
        var environment = new Dictionary<string, string?>
        {
            ["TOKENTAP_HOME"] = _home,
            ["HTTPS_PROXY"] = null,
            ["https_proxy"] = null,
            ["CURL_CA_BUNDLE"] = null,
        };

        var result = PwshProcess.Run(script, environment, workingDirectory: _home);

        Assert.True(result.ExitCode == 0, $"pwsh exited {result.ExitCode}: {result.Stderr}");
        // Start-Tokentap and Stop-Tokentap also tell the host what they did; the JSON is the last line.
        var last = result.Stdout.TrimEnd().Split('\n')[^1];
        Assert.True(last.StartsWith('{'), result.Stdout);
        using var json = JsonDocument.Parse(last);
        var clientId = json.RootElement.GetProperty("ClientId").GetInt32();
        var recorded = Assert.Single(json.RootElement.GetProperty("Events").EnumerateArray());
        Assert.Equal(_repository, recorded.GetProperty("Project").GetString());
        Assert.Equal(clientId, recorded.GetProperty("ClientProcessId").GetInt32());
        Assert.Equal("curl", recorded.GetProperty("ClientProcessName").GetString());
        Assert.Equal("curl", recorded.GetProperty("App").GetString());
        Assert.Equal("client-project", recorded.GetProperty("Session").GetString());
        Assert.Equal(1007, recorded.GetProperty("InputTokens").GetInt64());
        Assert.NotEqual(Environment.ProcessId, clientId);
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
