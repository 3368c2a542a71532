// The content capture settings of a data folder (content.json): on or off, the size cap, retention, extra patterns.
namespace Tokentap.Engine.Content;

/// <summary>What content.json says; <see cref="Default"/> when there is no file (capture off).</summary>
internal sealed record ContentSettings
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "content.json";

    /// <summary>100 MB of compressed content.</summary>
    public const long DefaultMaxContentBytes = 100L * 1024 * 1024;

    /// <summary>Capture off, 100 MB, 30 days, no extra patterns.</summary>
    public static ContentSettings Default { get; } = new();

    /// <summary>Every proxy of this data folder captures content (Start-Tokentap -CaptureContent turns it on for one).</summary>
    public bool Enabled { get; init; }

    /// <summary>The most compressed content kept; the oldest records go first when it is exceeded.</summary>
    public long MaxContentBytes { get; init; } = DefaultMaxContentBytes;

    /// <summary>Records older than this many days are removed (0: kept until the size cap removes them).</summary>
    public int RetentionDays { get; init; } = 30;

    /// <summary>Regular expressions whose matches are redacted on top of the built-in shapes.</summary>
    public IReadOnlyList<string> RedactPatterns { get; init; } = [];
}
