// Resident memory of a real listener in its own process under 12 parallel 1 GB gzip and brotli bombs.
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Tests.Usage;
using Tokentap.Testing;
using Xunit.Abstractions;

namespace Tokentap.Engine.Tests.Proxy;

[Collection(ProxyMemoryCollection.Name)]
public sealed class ResidentMemoryTests : IDisposable
{
    private const int Parallel = 12;
    private const long WarmUpBytes = 1L * 1024 * 1024;
    private const long BombBytes = 1024L * 1024 * 1024;
    private const long MiB = 1024;

    // Measured on the 2-core CI box: base about 150 MiB, VmHWM 420 to 470 MiB above it during the burst on a loaded machine
    // and 643 MiB above it on an idle one (the decoders run faster than the GC reclaims the line buffers the cap refused
    // or dropped; 12 decoders, TLS and pump buffers come on top of the 128 MiB decode budget). This part still grows
    // with parallel exchanges, about 20 to 50 MiB each. Before the budget the same burst took a pwsh from 215 MB to
    // 1.73 GB (issue 15); the bound is the largest measurement plus about 30 %, well below that.
    private const long AllowedPeakGrowthKib = 850 * MiB;

    // "Back near base": within 64 MiB of the warm base, with no collection forced by the test. The GC keeps freed
    // segments for reuse and nothing allocates after a burst to make it collect, so without the budget's own trim the
    // listener stayed about 400 MiB up (measured: 552 MiB, flat); with it, 3 s after the burst it was 17 MiB up. The
    // margin covers native decoder windows glibc keeps in its arenas and the store's page cache.
    private const long AllowedSettledGrowthKib = 64 * MiB;

    private static readonly Lazy<Dictionary<string, byte[]>> Bodies = new(() => new Dictionary<string, byte[]>
    {
        ["gzip small"] = BombRound.Compress("gzip", WarmUpBytes),
        ["br small"] = BombRound.Compress("br", WarmUpBytes),
        ["gzip bomb"] = BombRound.Compress("gzip", BombBytes),
        ["br bomb"] = BombRound.Compress("br", BombBytes),
    });

    private readonly ProxyTestEnvironment _env;
    private readonly ITestOutputHelper _output;
    private readonly string _home = Path.Combine(Path.GetTempPath(), "tokentap-rss-" + Guid.NewGuid().ToString("N")[..8]);

    public ResidentMemoryTests(ProxyTestEnvironment env, ITestOutputHelper output) => (_env, _output) = (env, output);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // Temp leftovers are harmless.
        }
    }

    [Fact]
    public async Task Twelve_parallel_1_GB_bombs_keep_the_listener_process_resident_memory_bounded_and_give_it_back()
    {
        var bodies = Bodies.Value;
        _env.Upstream.Map("POST", "/v1/messages", context =>
        {
            var body = bodies[context.Request.Header("X-Encoding") + " " + context.Request.Header("X-Size")];
            return MockResponses.Bytes(body, "text/event-stream", 200, ("Content-Encoding", context.Request.Header("X-Encoding")!))(context);
        });
        using var child = ChildProcess.Start("rss", _home, _env.Upstream.BaseUri.ToString(), _env.TestCa.PemPath, Parallel.ToString(CultureInfo.InvariantCulture));
        var proxyUrl = (await WaitForLineAsync(child, "LISTENING "))["LISTENING ".Length..];
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_home, "ca", CertificateAuthority.CertificateFileName)));
        using var client = TestClients.Create(new Uri(proxyUrl), new[] { ca }, timeout: TimeSpan.FromMinutes(5));

        await BombRound.RunAsync(client, bodies, "small", Parallel);
        var baseLine = Values(await WaitForLineAsync(child, "BASE "));
        await BombRound.RunAsync(client, bodies, "bomb", Parallel);
        var peak = Values(await WaitForLineAsync(child, "PEAK "));
        var after = Values(await WaitForLineAsync(child, "AFTER "));
        var collected = Values(await WaitForLineAsync(child, "COLLECTED "));
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(60)), Output(child));
        Assert.True(child.ExitCode == 0, Output(child));

        var report = $"base {baseLine["rss"] / MiB} MiB, peak {peak["hwm"] / MiB} MiB, after {after["rss"] / MiB} MiB in {after["seconds"]} s, after a forced collection {collected["rss"] / MiB} MiB\n{Output(child)}";

        _output.WriteLine(report);

        // Every bomb was parsed under the shared cap: some lines reached it and the rest were refused.
        Assert.InRange(peak["budgetPeak"], 64L * 1024 * 1024, 128L * 1024 * 1024);
        Assert.Equal(0, peak["budgetHeld"]);
        Assert.True(peak["refusals"] > 0, report);
        Assert.True(peak["hwm"] - baseLine["rss"] < AllowedPeakGrowthKib, report);
        Assert.True(after["rss"] - baseLine["rss"] < AllowedSettledGrowthKib, report);
    }

    private static async Task<string> WaitForLineAsync(ChildProcess child, string prefix)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var line = child.Lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            if (child.HasExited || DateTime.UtcNow > deadline)
            {
                // Let the output readers drain, so a crash's stderr is in the message.
                var exited = child.WaitForExit(TimeSpan.FromSeconds(5));
                Assert.Fail($"no {prefix.Trim()} line from the child ({(exited ? "exit code " + child.ExitCode : "still running")}):\n{Output(child)}");
            }

            await Task.Delay(50);
        }
    }

    // "NAME a=1 b=2.5" -> {a: 1, b: 2} (whole numbers; seconds are rounded down).
    private static Dictionary<string, long> Values(string line) =>
        line.Split(' ').Skip(1).Select(p => p.Split('=')).ToDictionary(p => p[0], p => (long)double.Parse(p[1], CultureInfo.InvariantCulture));

    private static string Output(ChildProcess child) => string.Join("\n", child.Lines);

}
