// The background writer of demo mode: one live synthetic request after another into the demo store until stopped.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Demo;

/// <summary>
/// A named background thread that writes <see cref="DemoTraffic.NextLive"/> events to the demo store at the preset's
/// pace. Nothing escapes the thread: a failed write is kept in <see cref="LastError"/> (Get-Tokentap shows it) and the
/// next request is tried. <see cref="Dispose"/> stops and joins it.
/// </summary>
internal sealed class DemoRunner : IDisposable
{
    private readonly DemoTraffic _traffic;
    private readonly UsageStore _store;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _written;
    private string? _lastError;

    public DemoRunner(DemoTraffic traffic, UsageStore store, TimeProvider? time = null)
    {
        _traffic = traffic;
        _store = store;
        _time = time ?? TimeProvider.System;
        _thread = new Thread(Run) { IsBackground = true, Name = "Tokentap demo" };
        _thread.Start();
    }

    /// <summary>Live requests written so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>The last write failure, or null.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_stop.Token.WaitHandle.WaitOne(_traffic.NextLiveDelay()))
            {
                try
                {
                    _store.Write([_traffic.NextLive(_time.GetUtcNow().UtcDateTime)]);
                    Interlocked.Increment(ref _written);
                }
                catch (Exception ex)
                {
                    Volatile.Write(ref _lastError, ex.Message);
                }
            }
        }
        catch (Exception ex)
        {
            // The loop itself failed (a disposed handle at shutdown): keep it for Get-Tokentap, never end pwsh.
            Volatile.Write(ref _lastError, ex.Message);
        }
    }
}
