// Holds a store's cross-process lock from a thread of its own, as another process writing would.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

/// <summary>Takes the named mutex of a database on a dedicated thread until disposed.</summary>
internal sealed class DatabaseLockHolder : IDisposable
{
    private readonly ManualResetEventSlim _held = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly Thread _thread;

    public DatabaseLockHolder(string databasePath)
    {
        _thread = new Thread(() =>
        {
            using var mutex = new Mutex(false, UsageDatabase.MutexName(databasePath));
            mutex.WaitOne();
            _held.Set();
            _release.Wait();
            mutex.ReleaseMutex();
        }) { IsBackground = true };
        _thread.Start();
        Assert.True(_held.Wait(TimeSpan.FromSeconds(10)));
    }

    public void Dispose()
    {
        _release.Set();
        _thread.Join();
    }
}
