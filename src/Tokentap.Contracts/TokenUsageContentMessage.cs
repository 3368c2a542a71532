// One message of a captured request: who said it and its text.
namespace Tokentap;

/// <summary>A message of a captured request; tool calls and results appear in <see cref="Text"/> as [tool call ...] lines.</summary>
public sealed record TokenUsageContentMessage(string Role, string Text);
