// How often the live view reads the store, redraws and looks at the keyboard.
namespace Tokentap.Engine.Live;

/// <summary>Timing and labels of a <see cref="LiveView"/>.</summary>
public sealed record LiveViewOptions
{
    /// <summary>How often new events are read (each read costs well under a millisecond when nothing is new).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The shortest time between two screens.</summary>
    public TimeSpan MinRedrawInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the view sleeps between looks at the keyboard (the token wakes it at once).</summary>
    public TimeSpan InputPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The filter in words, shown in the header; null when everything is shown.</summary>
    public string? FilterText { get; init; }

    /// <summary>The colours the screen is drawn in.</summary>
    public LiveTheme Theme { get; init; } = LiveTheme.Default;
}
