// The process-wide cap on decoded response bytes the usage parsers may buffer at once, across every exchange.
namespace Tokentap.Engine.Proxy;

/// <summary>
/// A shared count of the large buffers (more than <see cref="UnchargedBufferBytes"/> each) that parsers hold for
/// decoded response bodies. A compressed body can expand a thousandfold, so each exchange's own payload limit is not
/// enough: parallel bombs would each fill theirs. A buffer that would take the total past <see cref="LimitBytes"/>
/// is refused, and the parser skips that payload with a reason instead. The client's stream is never involved.
/// Large buffers are plain allocations dropped on release (not pooled), so the memory goes back after a burst.
/// </summary>
public sealed class DecodedBodyBudget
{
    /// <summary>The cap of <see cref="Shared"/>: room for one maximal (64 MiB) payload while it grows, and some.</summary>
    public const long DefaultLimitBytes = 128L * 1024 * 1024;

    /// <summary>Buffers up to this size come from the shared array pool and are not charged (ordinary events fit).</summary>
    public const int UnchargedBufferBytes = 64 * 1024;

    private long _held;
    private long _peak;
    private long _refusals;

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
                return true;
            }

            held = seen;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    internal void Release(long bytes) => Interlocked.Add(ref _held, -bytes);

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
