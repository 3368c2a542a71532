// The dashboard's view of captured content: one request's content as JSON, which requests have some, and why not.
using System.Text.Json;
using Tokentap.Engine.Content;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// Reads content with the reader Get-TokenUsageContent uses (<see cref="ContentStore.Read"/> then
/// <see cref="ContentView.From"/>), so the page shows exactly what the cmdlet returns; what is on disk was redacted
/// when it was written. Which requests have content comes from the folder's file names, without opening a file.
/// </summary>
internal sealed class DashboardContent
{
    public const string CaptureOffMessage =
        "No content was kept for this request: content capture is off. Turn it on with Enable-TokentapContentCapture " +
        "(or Start-Tokentap -CaptureContent); billed requests after that keep their prompt and response.";

    public const string NotKeptMessage =
        "No content is kept for this request: it was made while capture was off, was not a billed call, or its content " +
        "was removed by the size cap or the retention (Enable-TokentapContentCapture -MaxContentSize, -RetentionDays).";

    private readonly ContentStore _store;
    private readonly Func<bool> _captureOn;

    /// <param name="captureOn">Whether content is being captured now (this process's proxy or the persistent setting).</param>
    public DashboardContent(ContentStore store, Func<bool> captureOn)
    {
        _store = store;
        _captureOn = captureOn;
    }

    /// <summary>The ids of the requests that have content (the folder's listing).</summary>
    public HashSet<Guid> Ids() => _store.Ids();

    /// <summary>Whether one request has content (one file check).</summary>
    public bool Has(Guid id) => _store.Has(id);

    /// <summary>Why a request has no content and how to get some, in one line for the page.</summary>
    public string Missing() => _captureOn() ? NotKeptMessage : CaptureOffMessage;

    /// <summary>The timestamp of a request's content, when it has a readable one (a hint to find its usage event).</summary>
    public DateTime? TimeOf(Guid id)
    {
        try
        {
            return Read(id)?.Timestamp.ToUniversalTime();
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return null;
        }
    }

    /// <summary>A content file that cannot be read (damaged, not ours, gone while read): the failures Get-TokenUsageContent reports.</summary>
    public static bool IsUnreadable(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or InvalidDataException or JsonException;

    /// <summary>The content of a request as Get-TokenUsageContent returns it, as JSON; null when none is kept.</summary>
    public byte[]? Json(Guid id) => Read(id) is { } content ? DashboardApi.Write(json => Write(json, content)) : null;

    private TokenUsageContent? Read(Guid id) => _store.Read(id) is { } record ? ContentView.From(record) : null;

    private static void Write(Utf8JsonWriter json, TokenUsageContent content)
    {
        json.WriteString("eventId", content.EventId);
        json.WriteString("time", DateTime.SpecifyKind(content.Timestamp.ToUniversalTime(), DateTimeKind.Utc));
        json.WriteString("provider", content.Provider);
        json.WriteString("endpoint", content.Endpoint);
        json.WriteString("model", content.Model);
        json.WriteString("system", content.System);
        json.WriteStartArray("messages");
        foreach (var message in content.Messages)
        {
            json.WriteStartObject();
            json.WriteString("role", message.Role);
            json.WriteString("text", message.Text);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("tools");
        foreach (var tool in content.Tools)
        {
            json.WriteStringValue(tool);
        }

        json.WriteEndArray();
        json.WriteString("responseText", content.ResponseText);
        json.WriteStartArray("toolCalls");
        foreach (var call in content.ToolCalls)
        {
            json.WriteStartObject();
            json.WriteString("name", call.Name);
            json.WriteString("arguments", call.Arguments);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteBoolean("truncated", content.Truncated);
        json.WriteString("preview", content.Preview);
        json.WriteString("requestJson", content.RequestJson);
    }
}
