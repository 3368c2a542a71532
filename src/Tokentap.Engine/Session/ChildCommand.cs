// Runs one native command with extra environment variables, its console left attached so TUIs work.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tokentap.Engine.Session;

/// <summary>A started child process that shares the caller's console (stdin, stdout, stderr not redirected).</summary>
public sealed class ChildCommand : IDisposable
{
    private readonly Process _process;

    private ChildCommand(Process process) => _process = process;

    /// <summary>Starts <paramref name="path"/> with the arguments as given (no shell) and the variables overridden.</summary>
    public static ChildCommand Start(string path, IEnumerable<string> arguments, string workingDirectory, IEnumerable<TokentapEnvironmentVariable> environment)
    {
        var start = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in environment)
        {
            start.Environment[variable.Name] = variable.Value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        return new ChildCommand(process);
    }

    /// <summary>The child's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Waits up to <paramref name="timeout"/>; true when the child has exited.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Asks the child to stop the way Ctrl+C does (SIGINT on Unix). A child that shares the terminal usually got the
    /// signal already; one started from a host without a terminal did not. Returns false where there is no such signal.
    /// </summary>
    public bool Interrupt()
    {
        if (OperatingSystem.IsWindows() || _process.HasExited)
        {
            return false;
        }

        return SendSignal(_process.Id, SignalInterrupt) == 0;
    }

    /// <summary>Ends the child and its descendants (after Ctrl+C, when it did not exit by itself).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose() => _process.Dispose();

    private const int SignalInterrupt = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}
