// What happened when a damaged usage database was set aside and replaced.
namespace Tokentap.Engine.Usage;

/// <summary>A damaged database file moved aside (never deleted) and replaced with a fresh, empty one.</summary>
public sealed record UsageStoreRecovery(string DatabasePath, string MovedTo, DateTime TimeUtc, string Reason)
{
    /// <summary>The message to show the user.</summary>
    public string Message =>
        $"The usage database '{DatabasePath}' is damaged ({Reason}). It was moved to '{MovedTo}' and a new, empty "
        + "database was created in its place; recording continues.";
}
