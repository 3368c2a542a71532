// What Get-TokenUsageContent returns: the captured prompt and response of one billed call, secrets redacted.
namespace Tokentap;

/// <summary>
/// The content of one usage event (linked by <see cref="EventId"/>, the event's Id): the system prompt, the messages
/// and tools the request carried, and the response text and tool calls as they streamed. Secrets were redacted and
/// binary payloads replaced by a placeholder before anything was stored.
/// </summary>
public sealed class TokenUsageContent
{
    /// <summary>The usage event's Id.</summary>
    public required Guid EventId { get; init; }

    /// <summary>When the request started, local time.</summary>
    public required DateTime Timestamp { get; init; }

    public required string Provider { get; init; }

    public required string Endpoint { get; init; }

    public string? Model { get; init; }

    /// <summary>The system prompt or instructions, when the request had one.</summary>
    public string? System { get; init; }

    /// <summary>The conversation the request sent, in order.</summary>
    public required IReadOnlyList<TokenUsageContentMessage> Messages { get; init; }

    /// <summary>The names of the tools the request offered.</summary>
    public required IReadOnlyList<string> Tools { get; init; }

    /// <summary>The response's text as it streamed (without thinking).</summary>
    public required string ResponseText { get; init; }

    /// <summary>The tool calls the response made.</summary>
    public required IReadOnlyList<TokenUsageToolCall> ToolCalls { get; init; }

    /// <summary>The whole request body as stored (JSON, redacted), for what the typed properties leave out.</summary>
    public required string RequestJson { get; init; }

    /// <summary>Something was cut to stay within the per-request cap.</summary>
    public bool Truncated { get; init; }

    /// <summary>
    /// The prompt in one line, for lists: the first line of the last user message that says something itself (turns
    /// that only carry tool results and Claude Code's system reminders are skipped), whitespace collapsed, at most 80
    /// characters; empty when no user message has text.
    /// </summary>
    public string Preview { get; init; } = "";
}
