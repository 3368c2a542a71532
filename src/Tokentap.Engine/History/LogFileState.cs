// What a log reader remembers between reads of one file (kept in the file's checkpoint), so an appended file continues.
namespace Tokentap.Engine.History;

/// <summary>
/// The reader's position in the conversation a log file holds: ids, the current turn and, for Codex, the cumulative
/// totals its token_count lines are deltas of. Serialized into the checkpoint with the file's offset.
/// </summary>
public sealed class LogFileState
{
    /// <summary>The conversation (session) id the file's lines belong to.</summary>
    public string? ConversationId { get; set; }

    /// <summary>The working directory the log names (becomes the events' Project).</summary>
    public string? Project { get; set; }

    /// <summary>The model the log's context lines name (Codex).</summary>
    public string? Model { get; set; }

    /// <summary>The client version the log names.</summary>
    public string? AppVersion { get; set; }

    /// <summary>The current user turn, counted from 1 (0: none seen yet).</summary>
    public int TurnIndex { get; set; }

    /// <summary>The current turn's id in the log (Claude Code promptId, Codex turn_id), when it has one.</summary>
    public string? TurnKey { get; set; }

    /// <summary>When the current turn started (UTC ticks; 0: unknown).</summary>
    public long TurnStartTicks { get; set; }

    /// <summary>Gemini CLI: the ids of the prompts seen (a resumed session restates them with new timestamps).</summary>
    public List<string>? PromptIds { get; set; }

    /// <summary>Codex: the session's cumulative totals as of the last usage line read.</summary>
    public CodexTotals? Totals { get; set; }
}
