// A detached tmux session of fixed size on a private tmux server, for tests that need a real terminal.
using System.Diagnostics;

namespace Tokentap.PowerShell.Tests;

/// <summary>
/// Runs one shell command in a detached session (its own server socket, so nothing touches the user's tmux) and lets
/// the test read the screen, query pane flags and type keys. Disposing kills the private server.
/// </summary>
internal sealed class TmuxSession : IDisposable
{
    private const string Target = "watch";
    private readonly string _socket = "tokentap-test-" + Guid.NewGuid().ToString("N")[..12];

    public TmuxSession(int width, int height, string command, IReadOnlyDictionary<string, string> environment)
    {
        var arguments = new List<string> { "new-session", "-d", "-s", Target, "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (name, value) in environment)
        {
            arguments.Add("-e");
            arguments.Add(name + "=" + value);
        }

        arguments.Add(command);
        Tmux(arguments.ToArray());
    }

    /// <summary>The visible screen as text (with -e: with its escape sequences).</summary>
    public string Capture(bool escapes = false) =>
        escapes ? Tmux("capture-pane", "-p", "-e", "-t", Target) : Tmux("capture-pane", "-p", "-t", Target);

    /// <summary>A pane format variable, for example alternate_on or cursor_flag.</summary>
    public string Flag(string name) => Tmux("display-message", "-p", "-t", Target, "#{" + name + "}").Trim();

    /// <summary>Types keys (tmux key names: q, Escape, C-c, ...).</summary>
    public void SendKeys(string keys) => Tmux("send-keys", "-t", Target, keys);

    /// <summary>Polls the screen until <paramref name="condition"/> holds; returns the time it took.</summary>
    public TimeSpan WaitForScreen(Func<string, bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        string screen;
        while (!condition(screen = Capture()))
        {
            Assert.True(watch.Elapsed < timeout, $"the terminal did not show what was expected within {timeout.TotalSeconds} s:\n{screen}");
            Thread.Sleep(25);
        }

        return watch.Elapsed;
    }

    public void Dispose()
    {
        try
        {
            Tmux("kill-server");
        }
        catch (InvalidOperationException)
        {
            // The server ends by itself when its last session ended.
        }
    }

    private string Tmux(params string[] arguments)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-L");
        info.ArgumentList.Add(_socket);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("tmux did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} failed: {error.Result}");
        }

        return output.Result;
    }
}
