// Raised when the usage database has a schema this version cannot read: a newer Tokentap's, or a pre-release build's.
namespace Tokentap.Engine.Usage;

/// <summary>
/// The file's schema version is one this engine cannot read: newer than it understands, or older than the first
/// released layout (written by a pre-release build). The file is left untouched.
/// </summary>
public sealed class UsageStoreVersionException : InvalidOperationException
{
    public UsageStoreVersionException(string databasePath, int fileVersion, int supportedVersion)
        : this(databasePath, fileVersion, $"The usage database '{databasePath}' has schema version {fileVersion}, newer than the version {supportedVersion} this Tokentap understands. Update Tokentap, or set TOKENTAP_HOME to another folder.")
    {
    }

    private UsageStoreVersionException(string databasePath, int fileVersion, string message)
        : base(message)
    {
        DatabasePath = databasePath;
        FileVersion = fileVersion;
    }

    /// <summary>A file a pre-release build wrote (schema below <paramref name="oldestReadable"/>): no release reads it.</summary>
    public static UsageStoreVersionException PreRelease(string databasePath, int fileVersion, int oldestReadable) =>
        new(databasePath, fileVersion, $"The usage database '{databasePath}' has schema version {fileVersion}, written by a pre-release build of Tokentap; this Tokentap reads version {oldestReadable} and later. Move the file aside (Tokentap then starts a new one), or set TOKENTAP_HOME to another folder.")
        {
            IsPreRelease = true,
        };

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The schema version found in the file.</summary>
    public int FileVersion { get; }

    /// <summary>True when the file is older than any release: a pre-release build wrote it.</summary>
    public bool IsPreRelease { get; private init; }
}
