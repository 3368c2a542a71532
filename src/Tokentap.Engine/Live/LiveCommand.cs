// What a key press asks the live view to do.
namespace Tokentap.Engine.Live;

/// <summary>The live view's key commands.</summary>
internal enum LiveCommand
{
    None,
    Quit,
    CycleWindow,
    Pause,
}
