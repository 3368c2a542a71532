// Holds a store's cross-process lock, as another process writing would.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

/// <summary>Takes the lock file of a database until disposed.</summary>
internal sealed class DatabaseLockHolder : IDisposable
{
    private readonly IDisposable _held;

    public DatabaseLockHolder(string databasePath) =>
        _held = new UsageFileLock(databasePath).TryAcquire(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException("The lock stayed busy.");

    public void Dispose() => _held.Dispose();
}
