// What happened when a damaged usage database was set aside and replaced.
namespace Tokentap.Engine.Usage;

/// <summary>
/// A damaged database file moved aside (never deleted) and replaced with a fresh one, into which every readable event of
/// the damaged file is then copied in the background (see <see cref="UsageStoreSalvage"/>).
/// </summary>
public sealed record UsageStoreRecovery(string DatabasePath, string MovedTo, DateTime TimeUtc, string Reason)
{
    /// <summary>The message to show the user.</summary>
    public string Message =>
        $"The usage database '{DatabasePath}' is damaged ({Reason}). It was moved to '{MovedTo}' and a new "
        + "database was created in its place; recording continues, and the readable events of the damaged file are "
        + "being copied into the new one.";
}
