// A Spectre TestConsole that a test can type into and read from while the live view runs on another thread.
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Rendering;
using Spectre.Console.Testing;

namespace Tokentap.Engine.Tests.Live;

/// <summary>
/// Wraps <see cref="TestConsole"/> (fixed size, ANSI on, sequences kept in the output) with a thread-safe key queue and
/// a lock around output, so the test thread can push keys and look at the latest screen during <c>LiveView.Run</c>.
/// </summary>
internal sealed partial class ScriptedConsole : IAnsiConsole, IAnsiConsoleInput
{
    private readonly TestConsole _console;
    private readonly ConcurrentQueue<ConsoleKeyInfo> _keys = new();
    private readonly object _gate = new();

    public ScriptedConsole(int width, int height, bool unicode = true)
    {
        _console = new TestConsole().Width(width).Height(height);
        _console.EmitAnsiSequences = true;
        _console.Profile.Capabilities.Ansi = true;
        _console.Profile.Capabilities.Unicode = unicode;
        _console.Profile.Capabilities.ColorSystem = ColorSystem.TrueColor;
    }

    public Profile Profile => _console.Profile;

    public IAnsiConsoleCursor Cursor => _console.Cursor;

    public IAnsiConsoleInput Input => this;

    public IExclusivityMode ExclusivityMode => _console.ExclusivityMode;

    public RenderPipeline Pipeline => _console.Pipeline;

    /// <summary>Everything written so far, escape sequences included.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _console.Output;
            }
        }
    }

    /// <summary>The text of the latest screen (after the last cursor-home), without escape sequences.</summary>
    public string LastScreen
    {
        get
        {
            var output = Output;
            var home = output.LastIndexOf("\u001b[H", StringComparison.Ordinal);
            return Sequences().Replace(home < 0 ? output : output[home..], "");
        }
    }

    public void Type(char c) => _keys.Enqueue(new ConsoleKeyInfo(c, char.IsLetter(c) ? Enum.Parse<ConsoleKey>(char.ToUpperInvariant(c).ToString()) : ConsoleKey.NoName, false, false, false));

    public void Press(ConsoleKey key, ConsoleModifiers modifiers = 0) =>
        _keys.Enqueue(new ConsoleKeyInfo(key == ConsoleKey.C ? '\u0003' : '\0', key, modifiers.HasFlag(ConsoleModifiers.Shift), modifiers.HasFlag(ConsoleModifiers.Alt), modifiers.HasFlag(ConsoleModifiers.Control)));

    public void Clear(bool home)
    {
        lock (_gate)
        {
            _console.Clear(home);
        }
    }

    public void Write(IRenderable renderable)
    {
        lock (_gate)
        {
            _console.Write(renderable);
        }
    }

    public void WriteAnsi(Action<AnsiWriter> action)
    {
        lock (_gate)
        {
            _console.WriteAnsi(action);
        }
    }

    public bool IsKeyAvailable() => !_keys.IsEmpty;

    public ConsoleKeyInfo? ReadKey(bool intercept) => _keys.TryDequeue(out var key) ? key : null;

    public Task<ConsoleKeyInfo?> ReadKeyAsync(bool intercept, CancellationToken cancellationToken) => Task.FromResult(ReadKey(intercept));

    [GeneratedRegex("\u001b\\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Sequences();
}
