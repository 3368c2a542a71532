// One tool call a response asked for, as content capture assembles it from the stream.
namespace Tokentap.Engine.Content;

/// <summary>A tool call: its name and its arguments as the model wrote them (JSON text, assembled from deltas).</summary>
internal sealed class CapturedToolCall
{
    public CapturedToolCall(string name) => Name = name;

    public string Name { get; set; }

    public System.Text.StringBuilder Arguments { get; } = new();
}
