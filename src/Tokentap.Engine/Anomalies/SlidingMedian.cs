// The median of the last N values of a stream, kept sorted as values come and go, so reading it costs no sort.
namespace Tokentap.Engine.Anomalies;

/// <summary>
/// Holds the latest <see cref="Capacity"/> values in arrival order (a ring) and the same values sorted. Adding a value
/// when full evicts the oldest: one binary search and one block move of the sorted array each, instead of copying and
/// sorting all of them for every median. The median is that of the values held: the middle one, or the mean of the two
/// middle ones for an even count. Not thread-safe.
/// </summary>
internal sealed class SlidingMedian
{
    private readonly long[] _ring;
    private readonly long[] _sorted;
    private int _oldest;

    public SlidingMedian(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new long[capacity];
        _sorted = new long[capacity];
    }

    /// <summary>How many values it holds at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>How many values it holds.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a value; when full, the oldest value leaves first.</summary>
    public void Add(long value)
    {
        if (Count == _ring.Length)
        {
            var evicted = _ring[_oldest];
            var at = Array.BinarySearch(_sorted, 0, Count, evicted);
            Array.Copy(_sorted, at + 1, _sorted, at, Count - at - 1);
            Count--;
            _ring[_oldest] = value;
            _oldest = (_oldest + 1) % _ring.Length;
        }
        else
        {
            _ring[(_oldest + Count) % _ring.Length] = value;
        }

        var insert = Array.BinarySearch(_sorted, 0, Count, value);
        if (insert < 0)
        {
            insert = ~insert;
        }

        Array.Copy(_sorted, insert, _sorted, insert + 1, Count - insert);
        _sorted[insert] = value;
        Count++;
    }

    /// <summary>The median of the values held (0 when none).</summary>
    public double Median()
    {
        if (Count == 0)
        {
            return 0;
        }

        var middle = Count / 2;
        return Count % 2 == 1 ? _sorted[middle] : (_sorted[middle - 1] + _sorted[middle]) / 2.0;
    }
}
