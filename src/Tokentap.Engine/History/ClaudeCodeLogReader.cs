// Reads Claude Code's session logs (~/.claude/projects/<project>/<session>.jsonl): one event per billed response.
using System.Text.Json;

namespace Tokentap.Engine.History;

/// <summary>
/// Claude Code writes one JSON line per record: user prompts (with a promptId per turn; tool results repeat it),
/// assistant content blocks, attachments, queue operations, ... A response with several content blocks is logged on
/// several assistant lines sharing message.id and requestId: they are merged into one event (the last line's usage, the
/// first line's time). A response logged without a stop_reason was written before its stream ended: its usage is the
/// stream's start (placeholder output, and input as the start reported it), so the event is flagged Estimated.
/// </summary>
public sealed class ClaudeCodeLogReader : AgentLogReader
{
    /// <summary>Records that carry no billed usage and are read only for turns and ids (not counted as skipped).</summary>
    private static readonly HashSet<string> OtherRecords = new(StringComparer.Ordinal)
    {
        "user", "attachment", "queue-operation", "last-prompt", "mode", "summary", "system", "file-history-snapshot",
        "progress", "custom-title", "tag", "agent-name", "permission-mode", "pr-link",
    };

    public override UsageSource Source => UsageSource.ClaudeCodeLog;

    public override IReadOnlyList<string> DefaultRoots(Func<string, string?> variable, string home)
    {
        var roots = new List<string>();
        if (variable("CLAUDE_CONFIG_DIR") is { Length: > 0 } configured)
        {
            foreach (var folder in configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                roots.Add(Path.Combine(folder, "projects"));
            }
        }

        roots.Add(Path.Combine(home, ".claude", "projects"));
        roots.Add(Path.Combine(variable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".config"), "claude", "projects"));
        return roots.Distinct(StringComparer.Ordinal).ToList();
    }

    // Other agents' JSON-lines logs (Codex rollout-*, Gemini session-*) can sit in the same -Path folder.
    public override bool IsLogFile(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
        && !Path.GetFileName(path).StartsWith("rollout-", StringComparison.Ordinal)
        && !Path.GetFileName(path).StartsWith("session-", StringComparison.Ordinal);

    protected override bool Read(JsonElement root, LogReadContext context)
    {
        var type = Text(root, "type");
        if (type is null)
        {
            return false;
        }

        var state = context.State;
        if (Text(root, "sessionId") is { } session)
        {
            state.ConversationId = session;
        }

        if (Text(root, "cwd") is { } cwd)
        {
            state.Project = cwd;
        }

        if (Text(root, "version") is { } version)
        {
            state.AppVersion = version;
        }

        if (type == "user")
        {
            ReadUser(root, context);
            return true;
        }

        if (type != "assistant")
        {
            return OtherRecords.Contains(type);
        }

        var message = Object(root, "message");
        var usage = Object(message, "usage");
        var messageId = Text(message, "id");
        var requestId = Text(root, "requestId");
        var model = Text(message, "model");
        if (model == "<synthetic>")
        {
            // Claude Code's own stand-in messages (errors, interruptions): no call was billed.
            return true;
        }

        if (usage.ValueKind != JsonValueKind.Object || (messageId is null && requestId is null))
        {
            return false;
        }

        var fresh = new UsageEvent(LogEventIds.For(Source, messageId, requestId))
        {
            Timestamp = Time(root, "timestamp") ?? DateTime.UnixEpoch,
            Source = Source,
            Provider = "anthropic",
            Host = "api.anthropic.com",
            Endpoint = "messages",
            Model = model,
            RequestModel = model,
            App = "claude-code",
            AppVersion = state.AppVersion,
            Project = state.Project,
            RequestId = requestId,
            MessageId = messageId,
            StatusCode = 200,
            Streaming = true,
        };
        Link(fresh, state);
        var usageEvent = context.Add(fresh);
        usageEvent.InputTokens = Number(usage, "input_tokens");
        usageEvent.CacheReadTokens = Number(usage, "cache_read_input_tokens");
        usageEvent.CacheWriteTokens = Number(usage, "cache_creation_input_tokens");
        usageEvent.CacheWrite1hTokens = Number(Object(usage, "cache_creation"), "ephemeral_1h_input_tokens");
        usageEvent.OutputTokens = Number(usage, "output_tokens");
        usageEvent.StopReason = Text(message, "stop_reason");
        var partial = usageEvent.StopReason is null;
        usageEvent.Estimated = partial;
        usageEvent.EstimatedReason = partial
            ? "Claude Code logged this response before its stream ended: the usage is the stream's start (output is a placeholder)."
            : null;
        return true;
    }

    private static void ReadUser(JsonElement root, LogReadContext context)
    {
        var state = context.State;
        var time = Time(root, "timestamp");
        if (Text(root, "promptId") is { } promptId)
        {
            if (promptId != state.TurnKey)
            {
                NewTurn(context, promptId, time);
            }

            return;
        }

        // Versions without promptId: a turn starts at a user line that is a prompt, not a tool result or a sub-agent's.
        var sidechain = root.TryGetProperty("isSidechain", out var side) && side.ValueKind == JsonValueKind.True;
        var content = Object(root, "message").ValueKind == JsonValueKind.Object && root.GetProperty("message").TryGetProperty("content", out var c) ? c : default;
        var isPrompt = content.ValueKind == JsonValueKind.String
            || (content.ValueKind == JsonValueKind.Array && content.EnumerateArray().Any(p => Text(p, "type") == "text"));
        if (!sidechain && isPrompt && !root.TryGetProperty("toolUseResult", out _))
        {
            NewTurn(context, null, time);
        }
    }
}
