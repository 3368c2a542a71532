// Get-Tokentap in a second shell: a proxy that another pwsh runs for the same data folder is listed (OtherProxies and
// a line of the view) instead of a bare "Running False", and it disappears when that shell stops it.
using System.Diagnostics;
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class OtherProxiesTests(ModuleFixture module) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tt-others-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_proxy_running_in_another_pwsh_is_listed_until_that_shell_stops_it()
    {
        var session = "elsewhere-" + Guid.NewGuid().ToString("N")[..8];
        var go = Path.Combine(_dir, "go");
        using var other = StartOtherShell(session, go, out var port);
        try
        {
            var status = module.Run("Get-Tokentap").Single<TokentapStatus>();
            var view = module.Run("Get-Tokentap | Out-String -Width 120").Single<string>();
            var real = PwshProcess.Run("$PSStyle.OutputRendering = 'PlainText'; Import-Module $env:TT_MANIFEST; Get-Tokentap", new Dictionary<string, string?> { ["TT_MANIFEST"] = module.ManifestPath });

            Assert.False(status.Running);
            var listed = Assert.Single(status.OtherProxies);
            Assert.Equal((other.Id, port, $"http://127.0.0.1:{port}", session), (listed.ProcessId, listed.Port, listed.ProxyUrl, listed.Session));
            var line = $"OtherProxies       : http://127.0.0.1:{port} (process {other.Id}, session {session})";
            Assert.Contains(line, view.Split('\n').Select(l => l.TrimEnd()));
            Assert.True(real.ExitCode == 0, real.Stderr);
            Assert.Contains(line, ListLines(real.Stdout));
        }
        finally
        {
            File.WriteAllText(go, "");
            Assert.True(other.WaitForExit(30_000), "the other shell did not stop");
        }

        Assert.Empty(module.Run("Get-Tokentap").Single<TokentapStatus>().OtherProxies);
        Assert.DoesNotContain("OtherProxies", module.Run("Get-Tokentap | Out-String -Width 120").Single<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_proxy_of_this_shell_is_not_listed_as_another()
    {
        var status = module.Run("Start-Tokentap -Port 0 -NoEnvironment -PassThru; Get-Tokentap").ThrowIfFailed().Objects<TokentapStatus>();
        module.Run("$null = Stop-Tokentap").ThrowIfFailed();

        Assert.True(status[1].Running);
        Assert.Empty(status[1].OtherProxies);
    }

    /// <summary>A list's lines with the values pwsh wrapped at 80 columns joined back (continuations are indented).</summary>
    private static List<string> ListLines(string text)
    {
        var lines = new List<string>();
        foreach (var line in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            if (lines.Count > 0 && line.StartsWith("    ", StringComparison.Ordinal) && line.Trim().Length > 0)
            {
                lines[^1] += line.Trim();
            }
            else
            {
                lines.Add(line.TrimEnd());
            }
        }

        return lines;
    }

    /// <summary>A real pwsh that starts a proxy for the same TOKENTAP_HOME, prints its port, and stops when GO exists.</summary>
    private Process StartOtherShell(string session, string go, out int port)
    {
        var script = """
            Import-Module $env:TT_MANIFEST
            $status = Start-Tokentap -Port 0 -NoEnvironment -Session $env:TT_SESSION -PassThru
            # The registry entry is written on the thread pool right after the start returns.
            $entry = Join-Path $env:TOKENTAP_HOME "run/$PID-$($status.Port).json"
            for ($i = 0; $i -lt 500 -and -not (Test-Path $entry); $i++) { Start-Sleep -Milliseconds 10 }
            "PORT $($status.Port)"
            while (-not (Test-Path $env:TT_GO)) { Start-Sleep -Milliseconds 50 }
            $null = Stop-Tokentap
            """;
        var start = new ProcessStartInfo(TestPrograms.Pwsh) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TT_MANIFEST"] = module.ManifestPath;
        start.Environment["TT_SESSION"] = session;
        start.Environment["TT_GO"] = go;
        var process = Process.Start(start)!;
        // Start-Tokentap says where it listens first; the script's own PORT line follows.
        var reading = Task.Run(() =>
        {
            for (var line = process.StandardOutput.ReadLine(); line is not null; line = process.StandardOutput.ReadLine())
            {
                if (line.StartsWith("PORT ", StringComparison.Ordinal))
                {
                    return int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return 0;
        });
        if (!reading.Wait(TimeSpan.FromSeconds(60)) || reading.Result == 0)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the other shell did not start a proxy: " + process.StandardError.ReadToEnd());
        }

        port = reading.Result;
        return process;
    }
}
