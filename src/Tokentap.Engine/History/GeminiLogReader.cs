// Reads Gemini CLI's chat logs (~/.gemini/tmp/<project>/chats/session-*.jsonl, older versions session-*.json).
using System.Text.Json;

namespace Tokentap.Engine.History;

/// <summary>
/// A chat log holds a header line (sessionId, projectHash, startTime), message lines (user prompts; "gemini" answers
/// with tokens {input, output, cached, thoughts, tool} and the model) and "$set" lines that update the header or
/// restate the message list (a resumed session repeats earlier messages: their ids make them count once). Older
/// versions wrote the whole session as one JSON document with a messages array. The answer's input includes its cached
/// part; its output excludes thoughts. The router call Gemini CLI makes before each answer is not logged, and the log
/// names no request or response id. The project folder is in the .project_root file beside the chats folder.
/// </summary>
public sealed class GeminiLogReader : AgentLogReader
{
    private const string SessionContext = "<session_context>";

    public override UsageSource Source => UsageSource.GeminiLog;

    public override IReadOnlyList<string> DefaultRoots(Func<string, string?> variable, string home) =>
        [Path.Combine(variable("GEMINI_CLI_HOME") is { Length: > 0 } geminiHome ? geminiHome : home, ".gemini", "tmp")];

    public override bool IsLogFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("session-", StringComparison.Ordinal)
            && (name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
    }

    public override bool IsWholeFile(string path) => path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    protected override bool Read(JsonElement root, LogReadContext context)
    {
        var state = context.State;
        state.Project ??= ProjectRoot(context.FilePath);
        if (Text(root, "sessionId") is { } session)
        {
            state.ConversationId = session;
        }

        if (root.TryGetProperty("$set", out var set))
        {
            if (set.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            state.ConversationId = Text(set, "sessionId") ?? state.ConversationId;
            return !set.TryGetProperty("messages", out var restated) || ReadMessages(restated, context);
        }

        if (root.TryGetProperty("messages", out var messages))
        {
            // An older whole-file session.
            return ReadMessages(messages, context);
        }

        if (Text(root, "type") is not null && Text(root, "id") is not null)
        {
            return ReadMessage(root, context);
        }

        // The header line.
        return Text(root, "sessionId") is not null || Text(root, "projectHash") is not null;
    }

    private bool ReadMessages(JsonElement messages, LogReadContext context)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !ReadMessage(message, context))
            {
                context.SkippedLines++;
            }
        }

        return true;
    }

    private bool ReadMessage(JsonElement message, LogReadContext context)
    {
        var state = context.State;
        var time = Time(message, "timestamp");
        switch (Text(message, "type"))
        {
            case "user":
                // A prompt not seen before starts the next turn; a resumed session restates earlier ones (with new
                // timestamps). The session context Gemini CLI sends first is not a prompt.
                state.PromptIds ??= [];
                if (!IsSessionContext(message) && Text(message, "id") is { } id && !state.PromptIds.Contains(id))
                {
                    state.PromptIds.Add(id);
                    NewTurn(context, id, time);
                }

                return true;
            case "gemini":
                var tokens = Object(message, "tokens");
                if (tokens.ValueKind != JsonValueKind.Object)
                {
                    // An answer that was cut off before usage arrived: nothing was logged to count.
                    return true;
                }

                var model = Text(message, "model");
                var input = Number(tokens, "input");
                var cached = Number(tokens, "cached");
                var thoughts = Number(tokens, "thoughts");
                var usageEvent = new UsageEvent(LogEventIds.For(Source, state.ConversationId, Text(message, "id")))
                {
                    Timestamp = time ?? DateTime.UnixEpoch,
                    Source = Source,
                    Provider = "google",
                    Host = "generativelanguage.googleapis.com",
                    Endpoint = "streamGenerateContent",
                    Model = model,
                    RequestModel = model,
                    App = "gemini-cli",
                    Project = state.Project,
                    StatusCode = 200,
                    Streaming = true,
                    InputTokens = Math.Max(0, input - cached) + Number(tokens, "tool"),
                    CacheReadTokens = cached,
                    OutputTokens = Number(tokens, "output") + thoughts,
                    ReasoningTokens = thoughts,
                };
                Link(usageEvent, state);
                context.Add(usageEvent);
                return true;
            case "info" or "error" or "warning" or "tool" or "system":
                return true;
            default:
                return false;
        }
    }

    private static bool IsSessionContext(JsonElement message) =>
        message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
        && content.EnumerateArray().Any(p => Text(p, "text") is { } text && text.StartsWith(SessionContext, StringComparison.Ordinal));

    private static string? ProjectRoot(string logFile)
    {
        var chats = Path.GetDirectoryName(logFile);
        var projectFolder = chats is null ? null : Path.GetDirectoryName(chats);
        var marker = projectFolder is null ? null : Path.Combine(projectFolder, ".project_root");
        try
        {
            return marker is not null && File.Exists(marker) ? File.ReadAllText(marker).Trim() is { Length: > 0 } root ? root : null : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
