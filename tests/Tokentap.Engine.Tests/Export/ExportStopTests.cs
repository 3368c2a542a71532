// Stopping the exporter while the collector does not answer: bounded, and nothing lost.
using System.Diagnostics;
using Tokentap.Engine.Export;
using Tokentap.Engine.Tests.Usage;

namespace Tokentap.Engine.Tests.Export;

// OpenTelemetry's MeterProvider listens to every meter of its name in the process: two exporters at once would each
// count the other's metrics, so the tests that run one never overlap.
[Collection("OTLP exporters")]
public sealed class ExportStopTests
{
    [Fact]
    public async Task Stop_with_a_collector_that_never_answers_ends_the_thread_within_its_timeout_and_the_events_are_sent_later()
    {
        using var temp = new TempStore();
        var paths = new TokentapPaths(temp.Folder);
        temp.Store.Write(SampleEvents.All);
        using var silent = new SilentCollector();
        new ExportSettings { Enabled = true, Endpoint = silent.Endpoint, User = TokentapExportUser.Off }.Save(paths);
        var options = new ExportWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(100), PageSize = 3 };

        var worker = new ExportWorker(paths, temp.Store, options);
        await WaitAsync(() => silent.Connections > 0);
        await Task.Delay(300);
        worker.Stop(ExportWorker.StopTimeout);

        // Stop waits for the thread at most its timeout; the thread has ended, so the request waiting for the
        // collector was cancelled within it (the collector never answers and the request's own timeout is 10 s).
        Assert.False(worker.Status.Running);
        Assert.Equal(0, ExportPosition.Load(paths));
        Assert.Equal(0, worker.Status.Exported);

        // The collector answers again (another one at the same settings): all eight arrive, none twice.
        using var receiver = new OtlpTestReceiver();
        new ExportSettings { Enabled = true, Endpoint = receiver.Endpoint, User = TokentapExportUser.Off }.Save(paths);
        using (var again = new ExportWorker(paths, temp.Store, options))
        {
            await WaitAsync(() => again.Status.Position == temp.Store.GetLastPosition());
            Assert.Equal(8, again.Status.Exported);
        }

        Assert.Equal(8, receiver.LogRecords);
        Assert.Equal(temp.Store.GetLastPosition(), ExportPosition.Load(paths));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
