// A registry entry written on the thread pool right after a listener is up, so a start returns without waiting for it.
namespace Tokentap.Engine.Registry;

/// <summary>
/// Writes the entry beside the caller (<see cref="Completion"/> ends when it is written or has failed; a failure goes to
/// the report callback, as the listener runs either way). Dispose waits for the write, then removes the entry.
/// </summary>
internal sealed class BackgroundRegistration : IDisposable
{
    private readonly Task<IDisposable?> _registering;
    private int _disposed;

    public BackgroundRegistration(TokentapPaths paths, RunningProxy proxy, Action<string> reportFailure)
    {
        _registering = Task.Run(
            () =>
            {
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
            CancellationToken.None);
    }

    /// <summary>Ends once the entry is written or its failure reported; never faults.</summary>
    public Task Completion => _registering;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _registering.GetAwaiter().GetResult()?.Dispose();
        }
    }
}
