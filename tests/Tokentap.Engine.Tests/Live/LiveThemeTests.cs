// Colour themes: chosen by parameter, then TOKENTAP_THEME, then NO_COLOR; each draws the same text in its own colours.
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Testing;
using Tokentap.Engine.Live;

namespace Tokentap.Engine.Tests.Live;

public sealed partial class LiveThemeTests
{
    [Fact]
    public void The_parameter_wins_then_the_setting_then_no_color()
    {
        var env = new Dictionary<string, string?> { ["TOKENTAP_THEME"] = "Light", ["NO_COLOR"] = "1" };
        string? Get(string name) => env.GetValueOrDefault(name);

        Assert.Same(LiveTheme.HighContrast, LiveTheme.Choose("high-contrast", Get));
        Assert.Same(LiveTheme.Light, LiveTheme.Choose(null, Get));
        env["TOKENTAP_THEME"] = "purple";
        Assert.Same(LiveTheme.NoColor, LiveTheme.Choose(null, Get));
        env["NO_COLOR"] = "";
        Assert.Same(LiveTheme.Default, LiveTheme.Choose(null, Get));
        Assert.Throws<ArgumentException>(() => LiveTheme.Choose("purple", Get));
        Assert.Equal(["default", "light", "high-contrast", "no-color"], LiveTheme.Names);
    }

    [Fact]
    public void Each_theme_draws_the_same_text_in_its_own_colours()
    {
        var screens = LiveTheme.Names.ToDictionary(n => n, n => Draw(LiveTheme.Parse(n)));
        var texts = screens.Values.Select(s => Sequences().Replace(s, "")).Distinct().ToList();

        Assert.True(texts.Count == 1, string.Join("\n----\n", screens.Values).Replace("\u001b", "ESC"));
        Assert.Contains("Errors 1 (50%)", texts[0], StringComparison.Ordinal);
        // Default: yellow money on dark terminals; light: no yellow text at all; high contrast: nothing dimmed.
        Assert.True(screens["default"].Contains("\u001b[1;93m$1.50", StringComparison.Ordinal), screens["default"].Replace("\u001b", "ESC"));
        Assert.DoesNotMatch(Yellow(), screens["light"]);
        Assert.Contains("\u001b[1;34m$1.50", screens["light"], StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2m", screens["high-contrast"], StringComparison.Ordinal);
        Assert.Contains("\u001b[2m", screens["default"], StringComparison.Ordinal);
        Assert.DoesNotMatch(Colours(), screens["no-color"]);
        Assert.Matches(Colours(), screens["default"]);
    }

    private static string Draw(LiveTheme theme)
    {
        var snapshot = new TokenUsageSnapshot
        {
            Time = LiveEvents.Now, Window = TokenUsageWindow.LastHour, WindowStart = LiveEvents.Now.AddHours(-1), Requests = 2, Errors = 1, ErrorRate = 0.5,
            Cost = 1.5m, SeriesInterval = TimeSpan.FromMinutes(1), Warnings = ["1 failed request"],
        };
        var console = new TestConsole().Width(80).Height(12);
        console.EmitAnsiSequences = true;
        console.Profile.Capabilities.Ansi = true;
        console.Profile.Capabilities.ColorSystem = ColorSystem.Standard;
        console.Write(SnapshotRenderer.Render(snapshot, new LiveScreenState { NowUtc = LiveEvents.Now, Zone = LiveEvents.Zone, Theme = theme }, 80, 12));
        return console.Output;
    }

    [GeneratedRegex("\u001b\\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Sequences();

    [GeneratedRegex("\u001b\\[([0-9;]*;)?(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9]+)*m")]
    private static partial Regex Colours();

    [GeneratedRegex("\u001b\\[([0-9;]*;)?(33|93)(;[0-9]+)*m")]
    private static partial Regex Yellow();
}
