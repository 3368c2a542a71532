// A tool call as stored in a content record.
namespace Tokentap.Engine.Content;

/// <summary>The tool's name and its arguments (JSON text), redacted.</summary>
internal sealed record ContentToolCall(string Name, string Arguments);
