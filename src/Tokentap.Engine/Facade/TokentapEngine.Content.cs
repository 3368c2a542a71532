// Facade use cases for content capture: the persistent setting, reading a call's content, removing it with its event.
using Tokentap.Engine.Content;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>The content capture setting (content.json) and what is stored; InvalidContentSettings for a bad file.</summary>
    public TokentapContentCaptureSettings GetContentCapture() => Describe(LoadContentSettings());

    /// <summary>
    /// Turns the persistent setting on or off (the next proxy started for this data folder follows it), changing the
    /// cap and retention when given; returns the result. InvalidContentSettings for a bad file, else a file failure.
    /// </summary>
    public TokentapContentCaptureSettings SetContentCapture(bool enabled, long? maxContentSize = null, int? retentionDays = null)
    {
        var settings = LoadContentSettings() with { Enabled = enabled };
        settings = settings with
        {
            MaxContentBytes = maxContentSize ?? settings.MaxContentBytes,
            RetentionDays = retentionDays ?? settings.RetentionDays,
        };
        try
        {
            ContentSettingsFile.Save(Runtime.Paths, settings);
            ContentStore.In(Runtime.Paths).Enforce(settings.MaxContentBytes, settings.RetentionDays, DateTime.UtcNow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw EngineFailures.Refused("ContentSettingsWriteFailed", TokentapErrorCategory.WriteError, $"Cannot write {ContentSettingsFile.PathIn(Runtime.Paths)}: {ex.Message}", ContentSettingsFile.PathIn(Runtime.Paths));
        }

        return Describe(settings);
    }

    /// <summary>
    /// The captured content of a usage event, or null when none was captured (capture was off, or it was removed).
    /// Waits briefly for content this process has not written yet.
    /// </summary>
    public TokenUsageContent? GetContent(Guid eventId)
    {
        Runtime.Content?.Writer.FlushAsync().Wait(TimeSpan.FromSeconds(5));
        try
        {
            return ContentStore.In(Runtime.Paths).Read(eventId) is { } record ? ContentView.From(record) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw EngineFailures.Refused("ContentUnreadable", TokentapErrorCategory.ReadError, $"Cannot read the content of {eventId}: {ex.Message}", eventId, stopsCommand: false);
        }
    }

    /// <summary>The content as plain text (Get-TokenUsageContent -AsText).</summary>
    public static string FormatContent(TokenUsageContent content) => ContentText.Format(content);

    /// <summary>Whether the next proxy would capture content (content.json's setting; off when the file is bad).</summary>
    private bool ContentCaptureSetting()
    {
        try
        {
            return ContentSettingsFile.Load(Runtime.Paths).Enabled;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Removes the content of removed events (nothing to do when nothing was ever captured).</summary>
    private void RemoveContent(IEnumerable<Guid> eventIds)
    {
        var store = ContentStore.In(Runtime.Paths);
        if (Directory.Exists(store.Directory))
        {
            store.Remove(eventIds);
        }
    }

    /// <summary>True when some content is stored, so a removal by filter must find the ids first.</summary>
    private bool HasContent() =>
        Directory.Exists(ContentStore.In(Runtime.Paths).Directory) && Directory.EnumerateFiles(ContentStore.In(Runtime.Paths).Directory).Any();

    private ContentSettings LoadContentSettings()
    {
        try
        {
            return ContentSettingsFile.Load(Runtime.Paths);
        }
        catch (InvalidDataException ex)
        {
            throw EngineFailures.Refused("InvalidContentSettings", TokentapErrorCategory.InvalidData, ex.Message, ContentSettingsFile.PathIn(Runtime.Paths));
        }
    }

    private TokentapContentCaptureSettings Describe(ContentSettings settings)
    {
        var store = ContentStore.In(Runtime.Paths);
        var (records, bytes) = store.Measure();
        return new TokentapContentCaptureSettings
        {
            Enabled = settings.Enabled,
            MaxContentSize = settings.MaxContentBytes,
            RetentionDays = settings.RetentionDays,
            RedactPatterns = settings.RedactPatterns,
            StoredRecords = records,
            StoredBytes = bytes,
            SettingsPath = ContentSettingsFile.PathIn(Runtime.Paths),
            ContentPath = store.Directory,
        };
    }
}
