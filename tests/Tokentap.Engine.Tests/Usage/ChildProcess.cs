// Starts the Tokentap.TestProcess child (another process writing to the same store) and collects its output lines.
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tokentap.Engine.Tests.Usage;

/// <summary>A running test child process; stdout lines are collected as they arrive.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Lines { get; } = new();

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(params string[] arguments) => Start([], null, arguments);

    /// <summary>
    /// Starts the child through <paramref name="prefix"/> (for example setpriv, to run it as another user) with extra
    /// environment variables.
    /// </summary>
    public static ChildProcess Start(string[] prefix, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(prefix.Length > 0 ? prefix[0] : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var part in prefix.Skip(1).Append(dotnet).Skip(prefix.Length > 0 ? 0 : 1))
        {
            info.ArgumentList.Add(part);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tokentap.TestProcess.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                child.Lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                child.Lines.Enqueue("stderr: " + e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public bool HasExited => _process.HasExited;

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        // Drains the asynchronous output readers.
        _process.WaitForExit();
        return true;
    }

    /// <summary>SIGKILL on Unix: no finally blocks, no ProcessExit, no flush.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
