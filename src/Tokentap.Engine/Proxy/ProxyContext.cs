// What every connection of one listener shares: options, counters, the upstream client, and the stop signals.

namespace Tokentap.Engine.Proxy;

/// <summary>The shared state of one <see cref="ProxyServer"/> run.</summary>
internal sealed class ProxyContext : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskSet _background = new();

    public ProxyContext(ProxyOptions options, ProxyStatistics statistics)
    {
        Options = options;
        Statistics = statistics;
        Upstream = new UpstreamClient(options);
    }

    public ProxyOptions Options { get; }

    public ProxyStatistics Statistics { get; }

    public UpstreamClient Upstream { get; }

    /// <summary>The port clients reach this listener on (for help texts).</summary>
    public int Port { get; set; }

    /// <summary>Cancelled when stopping begins: no new requests, idle connections and blind tunnels close.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Cancelled when the grace period is over: in-flight exchanges are cut.</summary>
    public CancellationToken Abort => _abort.Token;

    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Tap workers still delivering; stopping waits for them (bounded).</summary>
    public Task[] BackgroundTasks => _background.Running;

    public void BeginStopping() => _stopping.Cancel();

    public void AbortAll() => _abort.Cancel();

    /// <summary>Keeps a background task in view until it ends.</summary>
    public void Track(Task task) => _background.Add(task);

    public void Dispose()
    {
        Upstream.Dispose();
        _stopping.Dispose();
        _abort.Dispose();
    }
}
