// The content capture setting of a data folder, as Enable- and Disable-TokentapContentCapture show it.
namespace Tokentap;

/// <summary>What content.json says and what is stored now.</summary>
public sealed class TokentapContentCaptureSettings
{
    /// <summary>Every proxy of this data folder captures content.</summary>
    public required bool Enabled { get; init; }

    /// <summary>The most compressed content kept, in bytes; the oldest records go first.</summary>
    public required long MaxContentSize { get; init; }

    /// <summary>Records older than this many days are removed (0: only the size cap removes them).</summary>
    public required int RetentionDays { get; init; }

    /// <summary>The user's extra redaction patterns (regular expressions).</summary>
    public required IReadOnlyList<string> RedactPatterns { get; init; }

    /// <summary>How many calls' content is stored now.</summary>
    public required int StoredRecords { get; init; }

    /// <summary>The stored content's size on disk, in bytes.</summary>
    public required long StoredBytes { get; init; }

    /// <summary>The settings file (content.json).</summary>
    public required string SettingsPath { get; init; }

    /// <summary>The folder the content is stored in.</summary>
    public required string ContentPath { get; init; }
}
