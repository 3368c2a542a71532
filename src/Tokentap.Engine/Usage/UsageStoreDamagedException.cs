// Raised to a reader whose results met damaged content: the file has been set aside and replaced.
namespace Tokentap.Engine.Usage;

/// <summary>
/// A query met content it could not read. The damaged file was moved aside (never deleted) and a fresh store put in
/// its place, so recording goes on; the query's results up to the damage were returned, the rest are in the moved file.
/// </summary>
public sealed class UsageStoreDamagedException : IOException
{
    public UsageStoreDamagedException(UsageStoreRecovery recovery, Exception innerException)
        : base(recovery.Message, innerException)
    {
        Recovery = recovery;
    }

    /// <summary>
    /// A query met a chunk it could not read, but the file had been replaced or the chunk rewritten by the time it was
    /// checked (another process found the damage first): nothing was moved by this reader.
    /// </summary>
    public UsageStoreDamagedException(string databasePath, Exception innerException)
        : base($"The usage database '{databasePath}' held unreadable content that another process has since replaced; the results are incomplete. Run the query again.", innerException)
    {
    }

    /// <summary>Where the damaged file went, or null when another process had already dealt with it.</summary>
    public UsageStoreRecovery? Recovery { get; }
}
