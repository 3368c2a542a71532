// Where a stored usage event came from: the live proxy, an agent's own log, or a manual entry.
namespace Tokentap;

/// <summary>The producer of a <see cref="UsageEvent"/>. Events stored before sources existed read back as Proxy.</summary>
public enum UsageSource
{
    /// <summary>Captured live by the proxy: the provider's exact figures.</summary>
    Proxy,

    /// <summary>Imported from Claude Code's session logs (~/.claude/projects/**/*.jsonl).</summary>
    ClaudeCodeLog,

    /// <summary>Imported from Codex CLI's rollout logs (~/.codex/sessions/**/rollout-*.jsonl).</summary>
    CodexLog,

    /// <summary>Imported from Gemini CLI's chat logs (~/.gemini/tmp/*/chats/).</summary>
    GeminiLog,

    /// <summary>Entered with Add-TokenUsage (by hand, from a bill, from a script).</summary>
    Manual,

    /// <summary>Synthetic traffic of demo mode (Start-Tokentap -Demo): only ever in the demo store, never the real one.</summary>
    Demo,
}
