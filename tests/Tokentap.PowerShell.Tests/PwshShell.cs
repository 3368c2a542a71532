// A real pwsh (tests/Tokentap.Pwsh) kept running while a test does other things: its output read line by line as it
// comes, so a test can wait for the script to reach a point, act, then let it finish.
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tokentap.PowerShell.Tests;

public sealed class PwshShell : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _seen = new();
    private readonly Task<string> _errors;

    private PwshShell(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.CompleteAdding();
            }
            else
            {
                _seen.Enqueue(e.Data);
                _lines.Add(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _errors = _process.StandardError.ReadToEndAsync();
    }

    /// <summary>Every line the shell wrote to stdout so far.</summary>
    public string Output => string.Join("\n", _seen);

    public bool HasExited => _process.HasExited;

    /// <summary>pwsh -NoLogo -NoProfile -NonInteractive -Command SCRIPT, started and left running.</summary>
    public static PwshShell Start(string script, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(TestPrograms.Pwsh)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new PwshShell(Process.Start(start)!);
    }

    /// <summary>Waits until the shell writes <paramref name="line"/>; fails with its output when it ends or times out first.</summary>
    public void WaitForLine(string line, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            foreach (var next in _lines.GetConsumingEnumerable(cancel.Token))
            {
                if (next == line)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"pwsh did not write '{line}' in {timeout.TotalSeconds} s. Output:\n{Output}");
        }

        Assert.Fail($"pwsh ended (exit {(_process.WaitForExit(5000) ? _process.ExitCode : -1)}) without writing '{line}'. Output:\n{Output}\nErrors:\n{_errors.Result}");
    }

    /// <summary>Waits for the shell to end and returns its exit code, output and errors.</summary>
    public ChildResult WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"pwsh did not end in {timeout.TotalSeconds} s. Output:\n{Output}");
        _process.WaitForExit();
        return new ChildResult(_process.ExitCode, Output, _errors.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _lines.Dispose();
    }
}
