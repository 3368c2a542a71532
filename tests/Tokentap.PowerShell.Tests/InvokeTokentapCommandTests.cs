// Invoke-TokentapCommand in the real pwsh, as a native command would behave: captured, redirected or piped output goes
// down the pipeline as strings, otherwise the child keeps the terminal; $LASTEXITCODE passes through; the cost line
// stays on the information stream; and runs of gemini and codex carry the App Start-Tokentap gives those tools.
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class InvokeTokentapCommandTests(ModuleFixture module, MockProvidersFixture mocks, ITestOutputHelper output) : IClassFixture<MockProvidersFixture>, IDisposable
{
    private readonly MockedPwsh _shell = new(module, mocks.Providers);

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void Captured_redirected_and_piped_output_goes_down_the_pipeline_as_strings()
    {
        var result = _shell.Run($$"""
            Import-Module '{{module.ManifestPath}}'
            $o = Invoke-TokentapCommand bash -InformationVariable info -- -c 'echo hi; echo there; echo oops-on-stderr >&2; exit 3'
            "EXIT=$LASTEXITCODE"
            "CAPTURED=$($o.Count)|$($o -join ',')|$($o[0].GetType().FullName)"
            "INFO=$(@($info).Count)|$($info[0])"
            Invoke-TokentapCommand bash -- -c 'echo hi' > out.txt
            "FILE=$((Get-Content out.txt) -join ',')"
            "MIDDLE=$((Invoke-TokentapCommand bash -- -c 'echo a; echo b; echo c' | Measure-Object).Count)"
            $json = Invoke-TokentapCommand bash -- -c 'echo "{\"n\": 42}"' | ConvertFrom-Json
            "JSON=$($json.n)"
            $printed = Invoke-TokentapCommand printf -- '[%s]\n' "it's" 'a  b' '$HOME' "‘q’" '-c'
            "ARGS=$($printed -join ',')"
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("EXIT=3", lines);
        Assert.Contains("CAPTURED=2|hi,there|System.String", lines);
        Assert.Contains("INFO=1|bash: 0 requests, 0 in, 0 out, 0 cache read, 0 cache write, $0.0000; exit code 3", lines);
        Assert.Contains("FILE=hi", lines);
        Assert.Contains("MIDDLE=3", lines);
        Assert.Contains("JSON=42", lines);
        // Each argument reaches the program as given: quotes, spaces, $ and parameter-like text untouched.
        Assert.Contains("ARGS=[it's],[a  b],[$HOME],[‘q’],[-c]", lines);
        // Standard error is not captured: it stays where the shell's own errors go.
        Assert.Contains("oops-on-stderr", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_captured_the_child_keeps_the_terminal_and_captured_it_does_not()
    {
        var script = Path.Combine(_shell.Root, "tty.ps1");
        File.WriteAllText(script, $$"""
            Import-Module '{{module.ManifestPath}}'
            Invoke-TokentapCommand bash -- -c 'test -t 0 && test -t 1 && echo TTY-YES || echo TTY-NO; exit 5'
            "LAST=$LASTEXITCODE"
            $o = Invoke-TokentapCommand bash -- -c 'test -t 1 && echo TTY-YES || echo TTY-NO; exit 4'
            "CAPTURED=$o;$LASTEXITCODE"
            """);
        var environment = _shell.Environment().Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!);
        using var tmux = new TmuxSession(120, 30, $"cd '{_shell.Root}' && '{TestPrograms.Pwsh}' -NoLogo -NoProfile -File '{script}'; echo HOST-EXIT-$?; sleep 60", environment);

        var screen = "";
        tmux.WaitForScreen(s => (screen = s).Contains("HOST-EXIT-", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        output.WriteLine(screen);
        var lines = screen.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains("TTY-YES", lines);
        Assert.Contains("LAST=5", lines);
        Assert.Contains("CAPTURED=TTY-NO;4", lines);
        Assert.Contains("HOST-EXIT-0", lines);
    }

    [Fact]
    public void The_child_gets_the_proxy_variables_and_the_shell_has_its_own_back_after()
    {
        var result = _shell.Run($$"""
            Import-Module '{{module.ManifestPath}}'
            $env:NO_PROXY = 'corp.example'
            $seen = Invoke-TokentapCommand sh -- -c 'echo "$HTTPS_PROXY|$NO_PROXY"'
            "SEEN=$seen"
            "AFTER=$($null -eq $env:HTTPS_PROXY)|$env:NO_PROXY"
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Matches(@"^SEEN=http://127\.0\.0\.1:\d+\|corp\.example,localhost,127\.0\.0\.1,::1$", Assert.Single(lines, l => l.StartsWith("SEEN=", StringComparison.Ordinal)));
        Assert.Contains("AFTER=True|corp.example", lines);
    }

    [Fact]
    public void Under_a_running_Start_Tokentap_the_child_gets_the_runs_own_proxy_and_the_session_keeps_its_variables()
    {
        var result = _shell.Run(_shell.Preamble("with-session", environment: true) + """
            $session = $env:HTTPS_PROXY
            $seen = Invoke-TokentapCommand sh -- -c 'echo "$HTTPS_PROXY"'
            "CHILD-OWN=$($seen -match '^http://127\.0\.0\.1:\d+$' -and $seen -ne $session)"
            "SESSION-KEPT=$($env:HTTPS_PROXY -eq $session -and $session -eq (Get-Tokentap).ProxyUrl)"
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("CHILD-OWN=True", lines);
        Assert.Contains("SESSION-KEPT=True", lines);
    }

    [Fact]
    public void Stopping_the_pipeline_ends_the_child_and_restores_the_variables()
    {
        var names = new[] { "HTTPS_PROXY", "NO_PROXY", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE" };
        var before = names.Select(Environment.GetEnvironmentVariable).ToList();
        using var shell = module.Begin("Invoke-TokentapCommand sleep 60", out var pending);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Environment.GetEnvironmentVariable("HTTPS_PROXY") == before[0])
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not set HTTPS_PROXY for its child");
            Thread.Sleep(20);
        }

        shell.Stop();

        Assert.Throws<System.Management.Automation.PipelineStoppedException>(() => shell.EndInvoke(pending));
        Assert.Equal(before, names.Select(Environment.GetEnvironmentVariable).ToList());
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    [Theory]
    [InlineData("gemini", "gemini-cli", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent", """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""")]
    [InlineData("codex", "codex", "https://api.openai.com/v1/responses", """{"model":"gpt-5-codex","input":"hi"}""")]
    [InlineData("claude", "claude-code", "https://api.anthropic.com/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}""")]
    public void A_run_of_a_tool_carries_the_App_Start_Tokentap_gives_it(string command, string app, string url, string body)
    {
        // A program of that name on PATH that calls the provider with curl, so the App comes from the command's name.
        var program = Path.Combine(_shell.BinDirectory, command);
        File.WriteAllText(program, $"#!/bin/sh\nexec curl -sS -o /dev/null --json '{body}' '{url}'\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = _shell.Run(_shell.Preamble("apps", environment: false) + $$"""
            Invoke-TokentapCommand {{command}}
            "EXIT=$LASTEXITCODE"
            $null = Stop-Tokentap
            "BYAPP=$(@(Get-TokenUsage -App {{app}}).Count)"
            Get-TokenUsageSummary -By App | ForEach-Object { "SUMMARY=$($_.App)|$($_.Requests)" }
            """);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("EXIT=0", lines);
        Assert.Contains("BYAPP=1", lines);
        Assert.Equal(new[] { $"SUMMARY={app}|1" }, lines.Where(l => l.StartsWith("SUMMARY=", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith($"{app}: 1 request, ", StringComparison.Ordinal));
    }
}
