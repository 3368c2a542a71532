// What Get-Tokentap shows of the store and the decode budget, read from the engine facade (TokentapRuntime).
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Tests.Proxy;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

// With the memory tests, which run alone: no other test's exchange holds decode budget while this one reads it.
[Collection(ProxyMemoryCollection.Name)]
public sealed class RuntimeStoreStatusTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tt-runtime-status-").FullName;
    private readonly HangingStream.Gate _hang = new();

    public void Dispose()
    {
        _hang.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task The_runtime_reports_a_hung_write_as_write_failing_with_its_error_and_a_notice_and_the_decode_budget()
    {
        using var runtime = new TokentapRuntime(new TokentapPaths(_home), new UsageRecorderOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(20),
            WriteTimeout = TimeSpan.FromMilliseconds(500),
            WriteStreams = HangingStream.Factory(_hang),
        });
        Assert.Equal((false, (string?)null), (runtime.WriteFailing, runtime.LastWriteError));
        Assert.Equal((0L, 128L * 1024 * 1024), (runtime.DecodeBudgetUsedBytes, runtime.DecodeBudgetCapBytes));

        await runtime.StartListenerAsync(new ListenerRequest());
        runtime.Recorder!.Publish(new UsageEvent { Timestamp = DateTime.UtcNow, Provider = "openai", RequestId = "status-1" });
        Assert.True(_hang.Entered.Wait(TimeSpan.FromSeconds(30)));
        for (var waited = 0; !runtime.WriteFailing && waited < 30_000; waited += 10)
        {
            await Task.Delay(10);
        }

        Assert.True(runtime.WriteFailing);
        var error = runtime.LastWriteError;
        Assert.StartsWith($"A write to the usage database '{runtime.Paths.DatabasePath}' has not finished in 0.5 s and was declared hung", error);
        Assert.Contains("Recording usage: " + error, runtime.DrainNotices());

        // The next writer commits the event: writing no longer fails, and the last error stays for the record.
        await runtime.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((false, error), (runtime.WriteFailing, runtime.LastWriteError));
        Assert.Equal(1, runtime.Store.Count(UsageFilter.All));
        _hang.Release();
    }
}
