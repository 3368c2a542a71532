// Several processes on one file: concurrent writers with a reader tailing, and a writer killed with SIGKILL mid-write.
using Tokentap.Engine.Usage;
using Tokentap.TestProcess;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreProcessTests : IDisposable
{
    private readonly TempStore _temp = new(lockTimeout: TimeSpan.FromSeconds(60));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Two_processes_write_20000_events_each_while_this_one_tails_none_lost_none_duplicated()
    {
        const int PerProcess = 20_000;
        var count = PerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var go = _temp.DatabasePath + ".go";
        using var a = ChildProcess.Start("write", _temp.DatabasePath, "a", count, "0", go);
        using var b = ChildProcess.Start("write", _temp.DatabasePath, "b", count, "0", go);

        // Both start writing at the same moment, however late either process came up on a loaded machine.
        for (var ready = DateTime.UtcNow.AddSeconds(60); !(a.Lines.Contains("READY") && b.Lines.Contains("READY")); Thread.Sleep(5))
        {
            Assert.True(DateTime.UtcNow < ready, "the writers did not start: " + string.Join("\n", a.Lines.Concat(b.Lines)));
        }

        File.WriteAllText(go, "");

        // Tail while they write: every event exactly once, positions strictly increasing.
        var seen = new List<UsageEvent>(2 * PerProcess);
        long position = 0, lastPosition = 0;
        var deadline = DateTime.UtcNow.AddSeconds(100);
        while (seen.Count < 2 * PerProcess && DateTime.UtcNow < deadline)
        {
            var page = _temp.Store.ReadAfter(position, max: 5000);
            Assert.True(page.Position >= position);
            seen.AddRange(page.Events);
            position = page.Position;
            if (page.Events.Count == 0)
            {
                Thread.Sleep(20);
            }

            Assert.True(position >= lastPosition);
            lastPosition = position;
        }

        Assert.True(a.WaitForExit(TimeSpan.FromSeconds(100)), string.Join("\n", a.Lines));
        Assert.True(b.WaitForExit(TimeSpan.FromSeconds(100)), string.Join("\n", b.Lines));
        Assert.True(a.ExitCode == 0, string.Join("\n", a.Lines));
        Assert.True(b.ExitCode == 0, string.Join("\n", b.Lines));
        Assert.Contains(a.Lines, l => l.StartsWith("DONE True committed=20000 duplicates=0 dropped=0", StringComparison.Ordinal));
        Assert.Contains(b.Lines, l => l.StartsWith("DONE True committed=20000 duplicates=0 dropped=0", StringComparison.Ordinal));

        var expected = Enumerable.Range(0, PerProcess).SelectMany(i => new[] { "a-" + i, "b-" + i }).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, seen.Select(e => e.RequestId!).Order(StringComparer.Ordinal));
        Assert.Equal(2 * PerProcess, _temp.Store.GetLastPosition());
        Assert.Equal(expected, _temp.Store.Query(UsageFilter.All).Select(e => e.RequestId!).Order(StringComparer.Ordinal));

        // Both wrote at the same time: their batches interleave in store order.
        var switches = seen.Zip(seen.Skip(1)).Count(p => p.First.Session != p.Second.Session);
        Assert.True(switches >= 3, $"only {switches} switches between writers");

        // The rollups agree with the raw events: each process wrote 20,000 events with inputs 10 + i % 7.
        var expectedInput = Enumerable.Range(0, PerProcess).Sum(i => 10L + i % 7);
        var byApp = _temp.Store.Summarize(UsageFilter.All, [UsageGroupBy.App]);
        Assert.Equal([("test-a", 20_000L, expectedInput), ("test-b", 20_000L, expectedInput)], byApp.Select(r => (r.App!, r.Requests, r.InputTokens)));
        Assert.Equal(20m, byApp[0].Cost);
    }

    [Fact]
    public void Process_exit_flushes_what_is_queued()
    {
        using var child = ChildProcess.Start("exit", _temp.DatabasePath, "exit", "3000");
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, child.ExitCode);

        // Nothing was written before Main returned (the batch size and interval were out of reach): exit wrote it all.
        Assert.Contains("PUBLISHED 3000 COMMITTED 0", child.Lines);
        Assert.Equal(3000, _temp.Store.Count(UsageFilter.All));
    }

    [Fact]
    public void A_writer_killed_mid_write_leaves_a_readable_file_with_every_committed_batch()
    {
        var committed = new List<(string Prefix, int First, int Last)>();
        for (var round = 0; round < 3; round++)
        {
            var prefix = "crash" + round;
            using var child = ChildProcess.Start("crash", _temp.DatabasePath, prefix);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (child.Lines.Count(l => l.StartsWith("COMMIT ", StringComparison.Ordinal)) < 4 + round && DateTime.UtcNow < deadline && !child.HasExited)
            {
                Thread.Sleep(10);
            }

            child.Kill();
            Assert.True(child.WaitForExit(TimeSpan.FromSeconds(30)));
            var batches = child.Lines.Where(l => l.StartsWith("COMMIT ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
            Assert.True(batches.Count >= 4 + round, string.Join("\n", child.Lines.Take(20)));
            foreach (var parts in batches)
            {
                var (first, last, count) = (int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(last - first + 1, count);
                committed.Add((prefix, first, last));
            }
        }

        // The file opens, and everything reported committed is there, once.
        Assert.Equal(UsageStore.SchemaVersion, _temp.Store.ReadSchemaVersion());
        var stored = _temp.Store.Query(UsageFilter.All).Select(e => e.RequestId!).ToList();
        var storedSet = stored.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(stored.Count, storedSet.Count);
        var reported = committed.SelectMany(c => Enumerable.Range(c.First, c.Last - c.First + 1).Select(i => c.Prefix + "-" + i)).ToList();
        Assert.All(reported, id => Assert.Contains(id, storedSet));
        Assert.True(stored.Count >= reported.Count);

        // Rollups were committed with their events: the summary counts exactly what is stored.
        Assert.Equal(stored.Count, _temp.Store.Count(UsageFilter.All));
        Assert.Equal(stored.Count, _temp.Store.GetLastPosition());

        // And recording goes on in the same file.
        Assert.Equal(1, _temp.Store.Write([TestEvents.Create("after", 0)]).Inserted);
    }
}
