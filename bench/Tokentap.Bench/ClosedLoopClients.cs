// Keep-alive clients that each send the next small request as soon as the last one is answered, counted only while a
// measurement runs (the 32-client scenarios of `profile` and `load`).
namespace Tokentap.Bench;

/// <summary>
/// Starts <c>clients</c> loops over one <see cref="HttpClient"/>; <see cref="MeasureAsync"/> counts the requests they
/// complete for a while, <see cref="DisposeAsync"/> stops them and waits for each to end (callers await it as soon as
/// they have their figures, and <c>await using</c> covers a failure before that).
/// </summary>
internal sealed class ClosedLoopClients : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private long _completed;
    private bool _counting;
    private int _disposed;

    public ClosedLoopClients(HttpClient client, int clients)
    {
        _workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await ProxyBenchmark.SendSmallAsync(client);
                if (Volatile.Read(ref _counting))
                {
                    Interlocked.Increment(ref _completed);
                }
            }
        })).ToArray();
    }

    /// <summary>The requests completed during <paramref name="duration"/> (the loops keep running).</summary>
    public async Task<long> MeasureAsync(TimeSpan duration)
    {
        Interlocked.Exchange(ref _completed, 0);
        Volatile.Write(ref _counting, true);
        await Task.Delay(duration);
        Volatile.Write(ref _counting, false);
        return Interlocked.Read(ref _completed);
    }

    /// <summary>Stops the loops and waits for each to end; once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }
}
