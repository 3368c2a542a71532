// Raised when the usage database was written by a newer Tokentap with a schema this version does not know.
namespace Tokentap.Engine.Usage;

/// <summary>The file's schema version is newer than this engine understands; the file is left untouched.</summary>
public sealed class UsageStoreVersionException : InvalidOperationException
{
    public UsageStoreVersionException(string databasePath, int fileVersion, int supportedVersion)
        : base($"The usage database '{databasePath}' has schema version {fileVersion}, newer than the version {supportedVersion} this Tokentap understands. Update Tokentap, or set TOKENTAP_HOME to another folder.")
    {
        DatabasePath = databasePath;
        FileVersion = fileVersion;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The schema version found in the file.</summary>
    public int FileVersion { get; }
}
