// Raised when the usage database stays locked by another process or thread longer than the lock timeout.
namespace Tokentap.Engine.Usage;

/// <summary>The database lock could not be taken in time. Transient: the operation can be retried.</summary>
public sealed class UsageStoreBusyException : TimeoutException
{
    public UsageStoreBusyException(string databasePath, TimeSpan waited)
        : base($"The usage database '{databasePath}' is busy: another process or thread held it for more than {waited.TotalSeconds:0.#} s.")
    {
        DatabasePath = databasePath;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }
}
