// A disk that runs out of space in the middle of LiteDB's writes: in a child process, so a crash on the finalizer
// thread (as a LiteDB object finalized after a failed write once caused) fails this test instead of ending the host.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreNoSpaceTests : IDisposable
{
    private readonly TempStore _temp = new(lockTimeout: TimeSpan.FromSeconds(60));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Forty_writes_failing_with_enospc_mid_commit_lose_nothing_and_no_finalizer_ends_the_process()
    {
        using var child = ChildProcess.Start("nospace", _temp.DatabasePath, "nospace", "500", "40");
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(180)), string.Join("\n", child.Lines));
        var output = string.Join("\n", child.Lines);
        Assert.True(child.ExitCode == 0, $"exit code {child.ExitCode}:\n{output}");

        // Each of the 40 failures failed its write, which was retried; every event is stored once. (LiteDB writes its
        // log on a background queue and once reported 3 of these commits done: 25 events were lost before the fence
        // closed a write at its first I/O error.)
        // On a loaded machine a healthy write can outlast the child's 3 s write timeout: the watchdog then declares it
        // hung and it is retried (one more failed batch); when it had committed after all, the retry finds its events
        // stored and counts them as duplicates. So: every event committed or found stored exactly once, 500 stored.
        var done = Assert.Single(child.Lines, l => l.StartsWith("DONE ", StringComparison.Ordinal));
        var figures = done["DONE True ".Length..].Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("DONE True ", done, StringComparison.Ordinal);
        Assert.True(figures["injected"] == 40, done);
        Assert.True(figures["failed"] is >= 40 and <= 80, done);
        Assert.True(figures["stored"] == 500, done);
        Assert.True(figures["committed"] + figures["duplicates"] == 500, done);

        // A failed log write makes LiteDB report the broken transaction in its own words ("transaction must be active to
        // commit"): that is the disk too, retried, never a reason to refuse the batch (which once lost 1 to 8 events).
        Assert.True(figures["rejected"] == 0 && figures["abandoned"] == 0, done);
        Assert.DoesNotContain(child.Lines, l => l.StartsWith("stderr:", StringComparison.Ordinal));
        Assert.Equal(
            Enumerable.Range(0, 500).Select(i => "nospace-" + i).Order(StringComparer.Ordinal),
            _temp.Store.Query(UsageFilter.All).Select(e => e.RequestId!).Order(StringComparer.Ordinal));
    }
}
