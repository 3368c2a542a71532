// Reads Codex CLI's rollout logs (~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl): one event per billed response.
using System.Text.Json;

namespace Tokentap.Engine.History;

/// <summary>
/// A rollout holds the session's meta line (id, cwd, version), per turn a turn_context line (model, cwd) and task
/// events, and its usage: token_count events whose total_token_usage is cumulative for the session (an event's
/// usage is its total minus the previous total), and since 0.16x also token_usage_record lines with the response id
/// and that response's own usage. A token_count that only repeats the total a token_usage_record already brought adds
/// nothing. Input includes cached input in both; output includes reasoning.
/// </summary>
public sealed class CodexLogReader : AgentLogReader
{
    private static readonly HashSet<string> OtherRecords = new(StringComparer.Ordinal)
    {
        "response_item", "event_msg", "world_state", "compacted", "turn_context", "session_meta",
    };

    public override UsageSource Source => UsageSource.CodexLog;

    public override IReadOnlyList<string> DefaultRoots(Func<string, string?> variable, string home) =>
        [Path.Combine(variable("CODEX_HOME") is { Length: > 0 } codexHome ? codexHome : Path.Combine(home, ".codex"), "sessions")];

    public override bool IsLogFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("rollout-", StringComparison.Ordinal) && name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
    }

    protected override bool Read(JsonElement root, LogReadContext context)
    {
        var type = Text(root, "type");
        var payload = Object(root, "payload");
        var state = context.State;
        var time = Time(root, "timestamp");
        switch (type)
        {
            case "session_meta":
                state.ConversationId = Text(payload, "id") ?? Text(payload, "session_id") ?? state.ConversationId;
                state.Project = Text(payload, "cwd") ?? state.Project;
                state.AppVersion = Text(payload, "cli_version") ?? state.AppVersion;
                state.Model = Text(payload, "model") ?? state.Model;
                return true;
            case "turn_context":
                state.Model = Text(payload, "model") ?? state.Model;
                state.Project = Text(payload, "cwd") ?? state.Project;
                if (Text(payload, "turn_id") is { } contextTurn && contextTurn != state.TurnKey)
                {
                    NewTurn(context, contextTurn, time);
                }

                return true;
            case "token_usage_record":
                return ReadRecord(payload, time, context);
            case "event_msg":
                return ReadEvent(payload, time, context);
            default:
                return type is not null && OtherRecords.Contains(type);
        }
    }

    private bool ReadEvent(JsonElement payload, DateTime? time, LogReadContext context)
    {
        var state = context.State;
        switch (Text(payload, "type"))
        {
            case "task_started":
                if (Text(payload, "turn_id") is { } turn && turn != state.TurnKey)
                {
                    NewTurn(context, turn, time);
                }

                return true;
            case "user_message" when state.TurnKey is null:
                // Versions without turn ids: every user message starts a turn.
                NewTurn(context, null, time);
                return true;
            case "token_count":
                var info = Object(payload, "info");
                if (info.ValueKind != JsonValueKind.Object)
                {
                    // Rate limits only, no usage.
                    return true;
                }

                var total = Totals(Object(info, "total_token_usage"));
                if (total is null)
                {
                    return false;
                }

                if (total == state.Totals)
                {
                    return true;
                }

                var delta = total.Minus(state.Totals) ?? total;
                state.Totals = total;
                if (delta.Total > 0 || delta.Input > 0 || delta.Output > 0)
                {
                    Emit(context, delta, time, responseId: null, LogEventIds.For(Source, state.ConversationId, "total", total.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), total.Input.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                return true;
            default:
                return payload.ValueKind == JsonValueKind.Object;
        }
    }

    private bool ReadRecord(JsonElement payload, DateTime? time, LogReadContext context)
    {
        var usage = Totals(Object(payload, "usage"));
        if (usage is null)
        {
            return false;
        }

        var state = context.State;
        var responseId = Text(payload, "response_id");
        state.ConversationId ??= Text(payload, "session_id") ?? Text(payload, "thread_id");
        if (Text(payload, "turn_id") is { } turn && turn != state.TurnKey)
        {
            NewTurn(context, turn, time);
        }

        // The thread total after this response: the token_count line that follows repeats it and adds nothing.
        state.Totals = Totals(Object(payload, "thread_token_usage")) ?? (state.Totals is { } before
            ? new CodexTotals(before.Input + usage.Input, before.Cached + usage.Cached, before.CacheWrite + usage.CacheWrite, before.Output + usage.Output, before.Reasoning + usage.Reasoning, before.Total + usage.Total)
            : usage);
        Emit(context, usage, time, responseId, LogEventIds.For(Source, state.ConversationId, responseId ?? "total:" + state.Totals.Total));
        return true;
    }

    private void Emit(LogReadContext context, CodexTotals usage, DateTime? time, string? responseId, Guid id)
    {
        var state = context.State;
        var usageEvent = new UsageEvent(id)
        {
            Timestamp = time ?? DateTime.UnixEpoch,
            Source = Source,
            Provider = "openai",
            Host = "api.openai.com",
            Endpoint = "responses",
            Model = state.Model,
            RequestModel = state.Model,
            App = "codex",
            AppVersion = state.AppVersion,
            Project = state.Project,
            MessageId = responseId,
            StatusCode = 200,
            Streaming = true,
            InputTokens = Math.Max(0, usage.Input - usage.Cached - usage.CacheWrite),
            CacheReadTokens = usage.Cached,
            CacheWriteTokens = usage.CacheWrite,
            OutputTokens = usage.Output,
            ReasoningTokens = usage.Reasoning,
        };
        Link(usageEvent, state);
        context.Add(usageEvent);
    }

    private static CodexTotals? Totals(JsonElement usage) =>
        usage.ValueKind != JsonValueKind.Object ? null : new CodexTotals(
            Number(usage, "input_tokens"),
            Number(usage, "cached_input_tokens"),
            Number(usage, "cache_write_input_tokens"),
            Number(usage, "output_tokens"),
            Number(usage, "reasoning_output_tokens"),
            Number(usage, "total_tokens"));
}
