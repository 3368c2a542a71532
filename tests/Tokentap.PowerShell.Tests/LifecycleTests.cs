// Ctrl+C and Remove-Module: the module's stop paths leave nothing running and restore the session.
using System.Diagnostics;
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class LifecycleTests(ModuleFixture module)
{
    [Fact]
    public void Ctrl_C_stops_Invoke_TokentapCommand_and_its_child_promptly()
    {
        using var shell = module.Begin("Invoke-TokentapCommand sleep 60", out var pending);
        var child = WaitForChild("sleep", TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();

        shell.Stop();
        Assert.Throws<System.Management.Automation.PipelineStoppedException>(() => shell.EndInvoke(pending));

        // The child would sleep 60 s: a stop that waited for it would take that long.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"stopping took {watch.Elapsed}");
        Assert.True(child.WaitForExit(1000));
        Assert.Empty(Directory.GetFiles(Path.Combine(module.Home, "run"), $"{Environment.ProcessId}-*.json"));
    }

    [Fact]
    public void Remove_Module_stops_the_proxy_restores_the_variables_and_the_module_imports_again()
    {
        var before = Environment.GetEnvironmentVariable("HTTPS_PROXY");
        var status = module.Run("Start-Tokentap -Port 0 -PassThru").Single<TokentapStatus>();
        Assert.Equal(status.ProxyUrl, Environment.GetEnvironmentVariable("HTTPS_PROXY"));

        module.Run("Remove-Module Tokentap").ThrowIfFailed();

        Assert.Equal(before, Environment.GetEnvironmentVariable("HTTPS_PROXY"));
        Assert.Throws<System.Net.Sockets.SocketException>(() => new System.Net.Sockets.TcpClient("127.0.0.1", status.Port).Dispose());
        module.Run("Import-Module -Name $args[0] -ErrorAction Stop", module.ManifestPath).ThrowIfFailed();
        Assert.False(module.Run("Get-Tokentap").Single<TokentapStatus>().Running);
    }

    [Fact]
    public void After_Stop_no_listener_thread_or_database_handle_of_ours_is_left()
    {
        var status = module.Run("Start-Tokentap -Port 0 -NoEnvironment -PassThru").Single<TokentapStatus>();
        try
        {
            module.Run("$null = Get-TokenUsage -Last 1").ThrowIfFailed();
            Assert.Contains(ThreadNames(), n => n.StartsWith("Tokentap", StringComparison.Ordinal));
        }
        finally
        {
            module.Run("$null = Stop-Tokentap").ThrowIfFailed();
        }

        Assert.DoesNotContain(ThreadNames(), n => n.StartsWith("Tokentap", StringComparison.Ordinal));
        Assert.DoesNotContain(OpenFiles(), f => f.StartsWith(module.Home, StringComparison.Ordinal));
        Assert.Throws<System.Net.Sockets.SocketException>(() => new System.Net.Sockets.TcpClient("127.0.0.1", status.Port).Dispose());
    }

    private static List<string> ThreadNames()
    {
        var names = new List<string>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                names.Add(File.ReadAllText(Path.Combine(task, "comm")).Trim());
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return names;
    }

    private static List<string> OpenFiles()
    {
        var files = new List<string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                files.Add(new FileInfo(fd).LinkTarget ?? "");
            }
            catch (IOException)
            {
                // Closed between listing and reading.
            }
        }

        return files;
    }

    private static Process WaitForChild(string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var child = Process.GetProcessesByName(name).FirstOrDefault(p => ParentOf(p.Id) == Environment.ProcessId);
            if (child is not null)
            {
                return child;
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException($"no {name} child started");
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
