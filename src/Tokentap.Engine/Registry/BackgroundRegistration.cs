// A registry entry written on the thread pool right after a listener is up, so a start returns without waiting for it.
namespace Tokentap.Engine.Registry;

/// <summary>
/// Writes the entry beside the caller (<see cref="Completion"/> ends when it is written or has failed; a failure goes to
/// the report callback, as the listener runs either way). Dispose waits for a write in progress, then removes the entry;
/// a write that had not begun is not made.
/// </summary>
internal sealed class BackgroundRegistration : IDisposable
{
    private readonly Task<IDisposable?> _registering;
    private int _disposed;

    public BackgroundRegistration(TokentapPaths paths, RunningProxy proxy, Action<string> reportFailure)
        : this(paths, proxy, reportFailure, TaskScheduler.Default)
    {
    }

    /// <summary>Runs the write on <paramref name="scheduler"/> (tests hold it back to stop the listener first).</summary>
    internal BackgroundRegistration(TokentapPaths paths, RunningProxy proxy, Action<string> reportFailure, TaskScheduler scheduler)
    {
        _registering = Task.Factory.StartNew(
            () =>
            {
                // A listener stopped before its turn on the thread pool came (a shell that exits right after its
                // profile started the proxy) has nothing to announce and nothing to remove.
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return null;
                }

                try
                {
                    return ProxyRegistry.Register(paths, proxy);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    reportFailure($"Other shells cannot see this proxy (port {proxy.Port}): writing its entry under {Path.Combine(paths.Home, "run")} failed: {ex.Message}");
                    return null;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.DenyChildAttach,
            scheduler);
    }

    /// <summary>Ends once the entry is written, its failure reported, or its write skipped by an earlier Dispose; never faults.</summary>
    public Task Completion => _registering;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _registering.GetAwaiter().GetResult()?.Dispose();
        }
    }
}
