// The process-wide cap on decoded response bytes the usage parsers may buffer at once, across every exchange.
namespace Tokentap.Engine.Proxy;

/// <summary>
/// A shared count of the large buffers (more than <see cref="UnchargedBufferBytes"/> each) that parsers hold for
/// decoded response bodies. A compressed body can expand a thousandfold, so each exchange's own payload limit is not
/// enough: parallel bombs would each fill theirs. A buffer that would take the total past <see cref="LimitBytes"/>
/// is refused, and the parser skips that payload with a reason instead. The client's stream is never involved.
/// Large buffers are plain allocations dropped on release (not pooled). Dropped, they are garbage the GC keeps until
/// something makes it collect, and after a burst nothing does: a listener stayed 450 MiB up. So once at least
/// <see cref="TrimAfterBytes"/> were charged, and the budget then stays quiet for <see cref="TrimDelay"/> (nothing held,
/// no decompressor running, no new reservation), one aggressive collection (at most one per <see cref="TrimInterval"/>,
/// on the thread pool) gives that memory back to the system. A burst that goes on after a trim is charged again and
/// trimmed again once it is over: a trim that ran in a lull of a burst once left a listener 400 MiB up.
/// </summary>
public sealed class DecodedBodyBudget
{
    /// <summary>The cap of <see cref="Shared"/>: room for one maximal (64 MiB) payload while it grows, and some.</summary>
    public const long DefaultLimitBytes = 128L * 1024 * 1024;

    /// <summary>Buffers up to this size come from the shared array pool and are not charged (ordinary events fit).</summary>
    public const int UnchargedBufferBytes = 64 * 1024;

    /// <summary>Bytes charged since the last trim after which an empty budget trims the heap.</summary>
    public const long TrimAfterBytes = 64L * 1024 * 1024;

    /// <summary>How long an empty budget waits before trimming (a burst often has a next exchange right behind).</summary>
    public static readonly TimeSpan TrimDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The least time between two trims: a collection pauses the process, so it never runs back to back.</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(10);

    private long _held;
    private long _peak;
    private long _refusals;
    private long _chargedSinceTrim;
    private long _trims;
    private int _trimScheduled;
    private long _lastTrimTicks = Environment.TickCount64 - (long)TrimInterval.TotalMilliseconds;
    private long _activity;
    private int _decoders;

    public DecodedBodyBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitBytes);
        LimitBytes = limitBytes;
    }

    /// <summary>The budget every parser in this process draws from.</summary>
    public static DecodedBodyBudget Shared { get; } = new(DefaultLimitBytes);

    /// <summary>The most that may be held at once.</summary>
    public long LimitBytes { get; }

    /// <summary>Bytes held now.</summary>
    public long HeldBytes => Interlocked.Read(ref _held);

    /// <summary>The most ever held at once.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>How many buffers were refused because the budget was full.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>How many times an emptied budget trimmed the heap.</summary>
    public long Trims => Interlocked.Read(ref _trims);

    /// <summary>Takes <paramref name="bytes"/> from the budget; false (and nothing taken) when they do not fit.</summary>
    internal bool TryReserve(long bytes)
    {
        var held = Interlocked.Read(ref _held);
        while (true)
        {
            var wanted = held + bytes;
            if (wanted > LimitBytes)
            {
                Interlocked.Increment(ref _refusals);
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _held, wanted, held);
            if (seen == held)
            {
                RaisePeak(wanted);
                Interlocked.Add(ref _chargedSinceTrim, bytes);
                Interlocked.Increment(ref _activity);
                return true;
            }

            held = seen;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    internal void Release(long bytes)
    {
        if (Interlocked.Add(ref _held, -bytes) == 0)
        {
            ScheduleTrimIfDue();
        }
    }

    /// <summary>
    /// A decompressor starts: its windows and the buffers of what it decodes are garbage-in-waiting the budget does not
    /// see, so no trim runs while one is at work. Pair with <see cref="ExitDecoder"/>.
    /// </summary>
    internal void EnterDecoder()
    {
        Interlocked.Increment(ref _decoders);
        Interlocked.Increment(ref _activity);
    }

    /// <summary>A decompressor ended (and was disposed).</summary>
    internal void ExitDecoder()
    {
        if (Interlocked.Decrement(ref _decoders) == 0)
        {
            ScheduleTrimIfDue();
        }
    }

    private bool Quiet => Interlocked.Read(ref _held) == 0 && Volatile.Read(ref _decoders) == 0;

    private void ScheduleTrimIfDue()
    {
        if (Quiet && Interlocked.Read(ref _chargedSinceTrim) >= TrimAfterBytes && Interlocked.Exchange(ref _trimScheduled, 1) == 0)
        {
            _ = TrimWhenQuietAsync();
        }
    }

    // Never throws (it runs unobserved). Collects once the budget stayed quiet through a whole wait; activity during
    // the wait starts another wait, and a budget in use again is left to the release or decoder exit that quiets it.
    private async Task TrimWhenQuietAsync()
    {
        try
        {
            while (true)
            {
                var activity = Interlocked.Read(ref _activity);
                var sinceLast = TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastTrimTicks));
                var wait = TrimDelay > TrimInterval - sinceLast ? TrimDelay : TrimInterval - sinceLast;
                await Task.Delay(wait).ConfigureAwait(false);
                if (!Quiet)
                {
                    break;
                }

                if (Interlocked.Read(ref _activity) != activity)
                {
                    continue;
                }

                // What is charged from here on counts toward the next trim.
                Interlocked.Exchange(ref _chargedSinceTrim, 0);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                Interlocked.Exchange(ref _lastTrimTicks, Environment.TickCount64);
                Interlocked.Increment(ref _trims);
                break;
            }
        }
        catch (Exception)
        {
            // A collection that cannot run leaves the memory to the GC's own schedule; nothing else depends on it.
        }
        finally
        {
            Volatile.Write(ref _trimScheduled, 0);
        }

        // The budget quieted again while this one was scheduled (and found the flag taken): look again for it.
        ScheduleTrimIfDue();
    }

    private void RaisePeak(long held)
    {
        var peak = Interlocked.Read(ref _peak);
        while (held > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peak, held, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }
}
