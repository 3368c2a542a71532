// The token-spike detector's sliding median: odd and even counts, the window's eviction, duplicates, and a long random run.
using Tokentap.Engine.Anomalies;

namespace Tokentap.Engine.Tests.Anomalies;

public sealed class SlidingMedianTests
{
    [Fact]
    public void Odd_counts_give_the_middle_value_and_even_counts_the_mean_of_the_two_middle_ones()
    {
        var median = new SlidingMedian(10);
        Assert.Equal(0, median.Median());

        median.Add(7);
        Assert.Equal(7, median.Median());
        median.Add(1);
        Assert.Equal(4, median.Median());
        median.Add(100);
        Assert.Equal(7, median.Median());
        median.Add(8);
        Assert.Equal(7.5, median.Median());
        median.Add(-3);
        Assert.Equal(7, median.Median());
        Assert.Equal(5, median.Count);
    }

    [Fact]
    public void A_full_window_evicts_its_oldest_value_first()
    {
        var median = new SlidingMedian(4);
        foreach (var value in new long[] { 10, 20, 30, 40 })
        {
            median.Add(value);
        }

        Assert.Equal(25, median.Median());

        // 10 leaves: 20 30 40 50.
        median.Add(50);
        Assert.Equal(4, median.Count);
        Assert.Equal(35, median.Median());

        // 20 and 30 leave: 40 50 1 2.
        median.Add(1);
        median.Add(2);
        Assert.Equal(21, median.Median());

        // 40 50 1 2 leave in turn: 5 5 5 1000.
        median.Add(5);
        median.Add(5);
        median.Add(5);
        median.Add(1000);
        Assert.Equal(5, median.Median());
        Assert.Equal(4, median.Count);
    }

    [Fact]
    public void Duplicates_leave_one_at_a_time()
    {
        var median = new SlidingMedian(3);
        median.Add(9);
        median.Add(9);
        median.Add(1);
        Assert.Equal(9, median.Median());

        // One 9 leaves: 9 1 1.
        median.Add(1);
        Assert.Equal(1, median.Median());

        // The other 9 leaves: 1 1 9.
        median.Add(9);
        Assert.Equal(1, median.Median());

        // A 1 leaves: 1 9 9.
        median.Add(9);
        Assert.Equal(9, median.Median());

        // Even capacity, all equal but one: 4 4 4 6 gives 4; then 4 4 6 6 gives 5.
        var even = new SlidingMedian(4);
        foreach (var value in new long[] { 4, 4, 4, 6, 6 })
        {
            even.Add(value);
        }

        Assert.Equal(5, even.Median());
    }

    [Fact]
    public void A_long_random_run_matches_sorting_the_window_every_time()
    {
        var random = new Random(2026);
        var median = new SlidingMedian(AnomalySettings.SpikeHistory);
        var window = new Queue<long>();
        for (var i = 0; i < 5_000; i++)
        {
            // Few distinct values, so duplicates come and go all the time, then a wide range.
            var value = i < 2_500 ? random.Next(0, 20) : random.NextInt64(0, 2_000_000);
            median.Add(value);
            window.Enqueue(value);
            if (window.Count > AnomalySettings.SpikeHistory)
            {
                window.Dequeue();
            }

            var sorted = window.Order().ToArray();
            var middle = sorted.Length / 2;
            var expected = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
            Assert.Equal(expected, median.Median());
            Assert.Equal(window.Count, median.Count);
        }
    }
}
