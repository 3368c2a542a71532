// Watch-TokenUsage's prompt previews in a real terminal (tmux) in the real pwsh at 80x24: "capture on" in the header,
// the preview line under a request, cut to the row, and a preview whose content lands after its request showing too.
using System.IO.Compression;
using System.Text.Json;
using Xunit.Abstractions;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class WatchTokenUsagePreviewTerminalTests(ModuleFixture module, ITestOutputHelper output) : IDisposable
{
    private const string LongPrompt = "Fix the flaky login test in tests/auth and explain why it failed only on the build machine";
    private readonly string _home = Directory.CreateTempSubdirectory("tt-watch-preview-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void With_capture_on_a_request_shows_its_prompt_preview_under_it_at_80_columns()
    {
        var first = Event("claude-code", DateTime.UtcNow.AddSeconds(-30));
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), [first]);
        WriteContent(first, LongPrompt + "\nsecond line");
        var command = $"'{TestPrograms.Pwsh}' -NoLogo -NoProfile -Command \"Import-Module '{module.ManifestPath}'; Enable-TokentapContentCapture | Out-Null; Watch-TokenUsage -Window 1h -RefreshSeconds 0.5\"; echo HOST-EXIT-$?; sleep 60";
        using var tmux = new TmuxSession(80, 24, command, new Dictionary<string, string> { ["TOKENTAP_HOME"] = _home, ["NO_COLOR"] = "1" });

        var screen = "";
        tmux.WaitForScreen(s => (screen = s).Contains("↳ Fix the flaky", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        output.WriteLine(screen);
        var lines = screen.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains("capture on", lines[0], StringComparison.Ordinal);
        var row = lines.FindIndex(l => l.Contains("claude-code claude-sonnet-4-5", StringComparison.Ordinal) && !l.StartsWith("Context", StringComparison.Ordinal));
        Assert.Equal("      ↳ Fix the flaky login test in tests/auth and explain why it failed only o…", lines[row + 1]);
        Assert.Equal(80, lines[row + 1].Length);

        // Stored by another process: the request first, its content a moment later, as the proxy's two writers do.
        var second = Event("codex", DateTime.UtcNow);
        TestPrograms.Seed(Path.Combine(_home, "usage.db"), [second]);
        tmux.WaitForScreen(s => s.Contains("Requests 2 ", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        WriteContent(second, "Summarise   the release notes");
        var shown = tmux.WaitForScreen(s => (screen = s).Contains("      ↳ Summarise the release notes", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        output.WriteLine($"The late preview showed after {shown.TotalMilliseconds:0} ms.");
        Assert.Contains("↳ Fix the flaky", screen, StringComparison.Ordinal);

        tmux.SendKeys("q");
        tmux.WaitForScreen(s => s.Contains("HOST-EXIT-0", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    // The file a proxy with capture on writes for a call: $TOKENTAP_HOME/content/<event id>.json.gz, the record's JSON.
    private void WriteContent(UsageEvent usage, string prompt)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_home, "content")).FullName;
        var record = new
        {
            usage.Id, usage.Timestamp, usage.Provider, usage.Endpoint, usage.Model, Format = "AnthropicMessages",
            RequestJson = JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = prompt } } }),
            ResponseText = "ok", ToolCalls = Array.Empty<object>(), Truncated = false,
        };
        var path = Path.Combine(folder, usage.Id.ToString("N") + ".json.gz");
        using (var file = File.Create(path + ".tmp"))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        {
            JsonSerializer.Serialize(zip, record);
        }

        File.Move(path + ".tmp", path);
    }

    private static UsageEvent Event(string app, DateTime timestamp) => new(Guid.NewGuid())
    {
        Timestamp = timestamp,
        Provider = "anthropic",
        Host = "api.anthropic.com",
        Endpoint = "messages",
        Model = "claude-sonnet-4-5",
        InputTokens = 120,
        OutputTokens = 80,
        Cost = 0.01m,
        StatusCode = 200,
        DurationMs = 900,
        App = app,
        RequestId = "preview-" + Guid.NewGuid().ToString("N"),
    };
}
