// An observer for tests: records every exchange it is offered, with optional misbehaviour (throw, block, rewrite).
using System.Collections.Concurrent;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

/// <summary>Records exchanges; each gets a <see cref="RecordedExchange"/> tap unless <see cref="Decline"/> says no.</summary>
public sealed class RecordingObserver : IExchangeObserver
{
    private readonly ConcurrentQueue<RecordedExchange> _exchanges = new();
    private readonly SemaphoreSlim _begun = new(0);
    private int _taken;

    /// <summary>Called first in BeginExchange; may throw or rewrite the request.</summary>
    public Action<ExchangeRequest>? OnBegin { get; set; }

    /// <summary>When true, BeginExchange returns null (no tap).</summary>
    public bool Decline { get; set; }

    /// <summary>Called at the start of every tap OnResponseBody; may block or throw.</summary>
    public Action<RecordedExchange>? OnBody { get; set; }

    public IReadOnlyList<RecordedExchange> Exchanges => _exchanges.ToArray();

    public IExchangeTap? BeginExchange(ExchangeRequest request)
    {
        var exchange = new RecordedExchange(request, this);
        _exchanges.Enqueue(exchange);
        _begun.Release();
        OnBegin?.Invoke(request);
        return Decline ? null : exchange;
    }

    /// <summary>Waits for the next exchange to begin and then for its completion.</summary>
    public async Task<RecordedExchange> NextCompletedAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        if (!await _begun.WaitAsync(limit))
        {
            throw new TimeoutException("no exchange began");
        }

        var exchange = _exchanges.ElementAt(Interlocked.Increment(ref _taken) - 1);
        await exchange.Completed.WaitAsync(limit);
        return exchange;
    }
}
