// Start-Tokentap in a real pwsh: a client run after Set-Location into a git repository is recorded with that
// repository as its Project, and with its own process id and name; a client in the process that started that pwsh
// (its parent: a shell or host running Tokentap) is recorded as that process.
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

    [Fact]
    public async Task A_client_in_the_process_that_started_the_pwsh_running_Tokentap_is_recorded_as_that_process()
    {
        var variables = Path.Combine(_home, "variables.txt");
        var sent = Path.Combine(_home, "sent");
        using var shell = PwshShell.Start(
            $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module -Name {{Quote(module.ManifestPath)}}
            $null = Start-Tokentap -Port 0 -Session 'parent-client' -UpstreamOverride @{ 'api.anthropic.com' = {{Quote(mocks.Providers.Overrides["api.anthropic.com"].ToString())}} } -UpstreamCaFile {{Quote(mocks.Providers.Authority.PemPath)}}
            Set-Content -LiteralPath {{Quote(variables)}} -Value @($env:HTTPS_PROXY, $env:CURL_CA_BUNDLE)
            'READY'
            $deadline = (Get-Date).AddSeconds(60)
            while (-not (Test-Path -LiteralPath {{Quote(sent)}}) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
            while (((Get-Tokentap).EventsCaptured -lt 1 -or (Get-Tokentap).EventsPending -gt 0) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $null = Stop-Tokentap
            Get-TokenUsage -Session 'parent-client' | ForEach-Object { "EVENT=$($_.ClientProcessId) $($_.ClientProcessName) $($_.InputTokens)" }
            """,
            PwshEnvironment.Clean(_home));
        shell.WaitForLine("READY", TimeSpan.FromSeconds(60));
        var lines = File.ReadAllLines(variables);
        var bundle = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        bundle.ImportFromPemFile(lines[1]);
        using (var client = TestClients.Create(new Uri(lines[0]), [bundle[^1]]))
        {
            using var response = await client.PostAsync("https://api.anthropic.com/v1/messages", new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(200, (int)response.StatusCode);
        }

        File.WriteAllText(sent, "");
        var result = shell.WaitForExit(TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, $"pwsh exited {result.ExitCode}: {result.Stderr}");
        var name = File.ReadAllText("/proc/self/comm").TrimEnd('\n');
        Assert.Equal([$"EVENT={Environment.ProcessId} {name} 1007"], result.Stdout.Split('\n').Where(l => l.StartsWith("EVENT=", StringComparison.Ordinal)));
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
