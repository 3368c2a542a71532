// What a key press asks the live view to do.
namespace Tokentap.Engine.Live;

/// <summary>The live view's key commands.</summary>
internal enum LiveCommand
{
    None,
    Quit,
    CycleWindow,
    Pause,

    /// <summary>The screen, selection, sort, filter or help changed: redraw (and rearrange the rows).</summary>
    Navigate,
}
