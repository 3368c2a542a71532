// One billed call's captured content as it is stored (compressed JSON, one file per usage event).
namespace Tokentap.Engine.Content;

/// <summary>What content capture keeps of one call, already redacted; linked to its usage event by <see cref="Id"/>.</summary>
internal sealed record ContentRecord
{
    /// <summary>The usage event's id.</summary>
    public required Guid Id { get; init; }

    public required DateTime Timestamp { get; init; }

    public required string Provider { get; init; }

    public required string Endpoint { get; init; }

    public string? Model { get; init; }

    /// <summary>The wire format's name (AnthropicMessages, OpenAiChat, OpenAiResponses, Gemini).</summary>
    public required string Format { get; init; }

    /// <summary>The request body as sanitized JSON (redacted, binaries described, bounded).</summary>
    public required string RequestJson { get; init; }

    public required string ResponseText { get; init; }

    public required IReadOnlyList<ContentToolCall> ToolCalls { get; init; }

    /// <summary>Something was cut to stay within the per-request cap.</summary>
    public bool Truncated { get; init; }
}
