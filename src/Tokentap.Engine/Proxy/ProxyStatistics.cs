// Live counters and the most recent failures of one proxy listener, read by status output.
namespace Tokentap.Engine.Proxy;

/// <summary>Thread-safe counters; reads are cheap and may be taken at any time.</summary>
public sealed class ProxyStatistics
{
    /// <summary>How many recent failures are kept.</summary>
    public const int RecentFailureCapacity = 32;

    private readonly long[] _failures = new long[Enum.GetValues<ProxyFailureKind>().Length];
    private readonly Queue<ProxyFailure> _recent = new();
    private readonly TimeProvider _time;
    private long _connections;
    private long _activeConnections;
    private long _exchanges;
    private long _observedExchanges;
    private long _tunnels;
    private long _interceptedTunnels;

    public ProxyStatistics(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Client connections accepted.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Client connections open now.</summary>
    public long ActiveConnections => Interlocked.Read(ref _activeConnections);

    /// <summary>Requests forwarded (or answered with an error) on any route.</summary>
    public long Exchanges => Interlocked.Read(ref _exchanges);

    /// <summary>Exchanges on intercepted hosts handed to the observer.</summary>
    public long ObservedExchanges => Interlocked.Read(ref _observedExchanges);

    /// <summary>Blind CONNECT tunnels opened.</summary>
    public long Tunnels => Interlocked.Read(ref _tunnels);

    /// <summary>CONNECT tunnels to intercepted hosts that were decrypted.</summary>
    public long InterceptedTunnels => Interlocked.Read(ref _interceptedTunnels);

    /// <summary>
    /// The process-wide budget for decoded response bytes held by the usage parsers (shared by every listener):
    /// what it holds now, its peak, its limit and how many buffers it refused.
    /// </summary>
    public DecodedBodyBudget DecodeBudget => DecodedBodyBudget.Shared;

    /// <summary>Observer and tap exceptions (a shortcut for <see cref="Failures"/>[ObserverException]).</summary>
    public long ObserverExceptions => Failures(ProxyFailureKind.ObserverException);

    /// <summary>How often this kind of failure happened.</summary>
    public long Failures(ProxyFailureKind kind) => Interlocked.Read(ref _failures[(int)kind]);

    /// <summary>Every failure count by kind (kinds that never happened included, as 0).</summary>
    public IReadOnlyDictionary<ProxyFailureKind, long> FailureCounts =>
        Enum.GetValues<ProxyFailureKind>().ToDictionary(k => k, Failures);

    /// <summary>The most recent failures, oldest first (at most <see cref="RecentFailureCapacity"/>).</summary>
    public IReadOnlyList<ProxyFailure> RecentFailures
    {
        get
        {
            lock (_recent)
            {
                return _recent.ToArray();
            }
        }
    }

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _activeConnections);
    }

    internal void ConnectionClosed() => Interlocked.Decrement(ref _activeConnections);

    internal void ExchangeStarted(bool observed)
    {
        Interlocked.Increment(ref _exchanges);
        if (observed)
        {
            Interlocked.Increment(ref _observedExchanges);
        }
    }

    internal void TunnelOpened() => Interlocked.Increment(ref _tunnels);

    internal void InterceptedTunnelOpened() => Interlocked.Increment(ref _interceptedTunnels);

    /// <summary>Counts a failure without listing it (for routine events such as a client going away).</summary>
    internal void Count(ProxyFailureKind kind) => Interlocked.Increment(ref _failures[(int)kind]);

    /// <summary>Counts a failure and keeps its message in the recent list.</summary>
    internal void Record(ProxyFailureKind kind, string message)
    {
        Count(kind);
        var failure = new ProxyFailure(_time.GetUtcNow(), kind, message);
        lock (_recent)
        {
            if (_recent.Count == RecentFailureCapacity)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(failure);
        }
    }
}
