// The live view's colour themes: default (dark terminals), light, high contrast, and no colour at all.
using Spectre.Console;

namespace Tokentap.Engine.Live;

/// <summary>
/// The styles the live screen is drawn with. Meaning never rests on colour alone (failed requests show their status,
/// unknown prices '?', estimated numbers '~'), so every theme, no-color included, tells the same story.
/// </summary>
public sealed class LiveTheme
{
    /// <summary>The environment variable that picks a theme when -Theme is not given.</summary>
    public const string Variable = "TOKENTAP_THEME";

    private LiveTheme(string name) => Name = name;

    /// <summary>For terminals with a dark background (the default).</summary>
    public static LiveTheme Default { get; } = new("default")
    {
        Money = new Style(Color.Yellow, decoration: Decoration.Bold),
        Good = new Style(Color.Green),
        Warn = new Style(Color.Yellow),
        Failed = new Style(Color.Red),
        Paused = new Style(Color.Black, Color.Yellow),
    };

    /// <summary>For terminals with a light background: no yellow text: navy money, purple warnings, maroon failures.</summary>
    public static LiveTheme Light { get; } = new("light")
    {
        Money = new Style(Color.Navy, decoration: Decoration.Bold),
        Good = new Style(Color.Green),
        Warn = new Style(Color.Purple, decoration: Decoration.Bold),
        Failed = new Style(Color.Maroon, decoration: Decoration.Bold),
        Paused = new Style(Color.White, Color.Navy),
    };

    /// <summary>Bright colours, bold, nothing dimmed.</summary>
    public static LiveTheme HighContrast { get; } = new("high-contrast")
    {
        Dim = Style.Plain,
        Money = new Style(Color.Aqua, decoration: Decoration.Bold),
        Good = new Style(Color.Lime, decoration: Decoration.Bold),
        Warn = new Style(Color.Yellow, decoration: Decoration.Bold),
        Failed = new Style(Color.White, Color.Red, Decoration.Bold),
        Paused = new Style(Color.Black, Color.Yellow, Decoration.Bold),
        Selected = new Style(Color.Black, Color.White),
    };

    /// <summary>No colour, only bold, dim and inverse (also chosen by NO_COLOR).</summary>
    public static LiveTheme NoColor { get; } = new("no-color")
    {
        Money = new Style(decoration: Decoration.Bold),
        Good = Style.Plain,
        Warn = new Style(decoration: Decoration.Bold),
        Failed = new Style(decoration: Decoration.Bold),
        Paused = new Style(decoration: Decoration.Invert),
    };

    /// <summary>The theme names: default, light, high-contrast, no-color.</summary>
    public static IReadOnlyList<string> Names { get; } = ["default", "light", "high-contrast", "no-color"];

    public string Name { get; }

    public Style Header { get; private init; } = new(decoration: Decoration.Bold | Decoration.Underline);

    public Style Bold { get; private init; } = new(decoration: Decoration.Bold);

    public Style Dim { get; private init; } = new(decoration: Decoration.Dim);

    public Style Money { get; private init; } = Style.Plain;

    public Style Good { get; private init; } = Style.Plain;

    public Style Warn { get; private init; } = Style.Plain;

    public Style Failed { get; private init; } = Style.Plain;

    public Style Paused { get; private init; } = Style.Plain;

    /// <summary>The selected row of a breakdown.</summary>
    public Style Selected { get; private init; } = new(decoration: Decoration.Invert);

    /// <summary>The theme a name stands for (case-insensitive).</summary>
    public static LiveTheme Parse(string name) => name.ToLowerInvariant() switch
    {
        "default" => Default,
        "light" => Light,
        "high-contrast" => HighContrast,
        "no-color" => NoColor,
        _ => throw new ArgumentException($"Unknown theme '{name}'; use one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// The theme to use: the parameter, else TOKENTAP_THEME, else no-color when NO_COLOR is set (non-empty), else
    /// the default. An unknown name in the variable is ignored (the default applies), so a typo never stops the view.
    /// </summary>
    public static LiveTheme Choose(string? parameter, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (parameter is not null)
        {
            return Parse(parameter);
        }

        if (environment(Variable) is { Length: > 0 } setting && Names.Contains(setting.ToLowerInvariant()))
        {
            return Parse(setting);
        }

        return environment("NO_COLOR") is { Length: > 0 } ? NoColor : Default;
    }
}
