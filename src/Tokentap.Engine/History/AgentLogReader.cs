// The base of the per-agent log readers: where an agent keeps its logs, which files are logs, and one line at a time.
using System.Text.Json;

namespace Tokentap.Engine.History;

/// <summary>
/// One reader per log format. Readers turn lines into events and never touch the store; the importer handles files,
/// checkpoints, pricing and reconciliation. A reader must not throw on a line it does not understand: it counts it in
/// <see cref="LogReadContext.SkippedLines"/> and goes on.
/// </summary>
public abstract class AgentLogReader
{
    /// <summary>The source the events are tagged with.</summary>
    public abstract UsageSource Source { get; }

    /// <summary>The folders the agent writes its logs to, given a variable lookup and the user's home folder.</summary>
    public abstract IReadOnlyList<string> DefaultRoots(Func<string, string?> variable, string home);

    /// <summary>Whether a file under a root is one of this agent's logs.</summary>
    public abstract bool IsLogFile(string path);

    /// <summary>Reads one line (a complete JSON document, or for whole-file formats the whole file).</summary>
    public void ReadLine(ReadOnlyMemory<byte> line, LogReadContext context)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            context.SkippedLines++;
            return;
        }

        using (document)
        {
            try
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object || !Read(document.RootElement, context))
                {
                    context.SkippedLines++;
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or KeyNotFoundException)
            {
                // A field of an unexpected JSON kind (a string where a number was expected, ...).
                context.SkippedLines++;
            }
        }
    }

    /// <summary>True when a whole file is one JSON document (an older Gemini CLI chat file), not JSON lines.</summary>
    public virtual bool IsWholeFile(string path) => false;

    /// <summary>Reads one JSON object; false when the line is not a record this reader knows.</summary>
    protected abstract bool Read(JsonElement root, LogReadContext context);

    /// <summary>Enumerates the log files under the roots (missing roots are skipped), in a stable order.</summary>
    public IEnumerable<string> FindFiles(IEnumerable<string> roots)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var root in roots)
        {
            if (File.Exists(root))
            {
                yield return Path.GetFullPath(root);
                continue;
            }

            if (!Directory.Exists(root))
            {
                continue;
            }

            var files = Directory.EnumerateFiles(root, "*", options).Where(IsLogFile).Select(Path.GetFullPath).ToList();
            files.Sort(StringComparer.Ordinal);
            foreach (var file in files)
            {
                yield return file;
            }
        }
    }

    /// <summary>A string property, or null when it is missing or not a string.</summary>
    protected static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A whole-number property, or 0 when it is missing or not a number.</summary>
    protected static long Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;

    /// <summary>An object property, or default when it is missing or not an object.</summary>
    protected static JsonElement Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;

    /// <summary>A timestamp property as UTC, or null.</summary>
    protected static DateTime? Time(JsonElement element, string name) =>
        Text(element, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time.UtcDateTime
            : null;

    /// <summary>Starts a new user turn at the given time.</summary>
    protected static void NewTurn(LogReadContext context, string? key, DateTime? start)
    {
        context.State.TurnIndex++;
        context.State.TurnKey = key;
        context.State.TurnStartTicks = start?.Ticks ?? 0;
    }

    /// <summary>Sets the conversation link of an event from the current state.</summary>
    protected static void Link(UsageEvent usageEvent, LogFileState state)
    {
        usageEvent.ConversationId = state.ConversationId;
        usageEvent.ClientSessionId = state.ConversationId;
        usageEvent.TurnIndex = state.TurnIndex > 0 ? state.TurnIndex : null;
        usageEvent.TurnStart = state.TurnStartTicks > 0 ? new DateTime(state.TurnStartTicks, DateTimeKind.Utc) : null;
    }
}
