// One tool call in a captured response.
namespace Tokentap;

/// <summary>A tool the response called, with its arguments as the model wrote them (JSON text, redacted).</summary>
public sealed record TokenUsageToolCall(string Name, string Arguments);
