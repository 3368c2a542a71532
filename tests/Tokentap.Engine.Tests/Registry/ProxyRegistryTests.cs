// Tests for the run registry that tells shells which processes run a proxy for a data folder.
using System.Text.Json;
using Tokentap.Engine.Registry;

namespace Tokentap.Engine.Tests.Registry;

public sealed class ProxyRegistryTests : IDisposable
{
    private readonly TokentapPaths _paths = new(Directory.CreateTempSubdirectory("tt-registry-").FullName);

    [Fact]
    public void A_registered_listener_is_listed_until_it_unregisters()
    {
        var started = new DateTime(2026, 11, 22, 21, 0, 0, DateTimeKind.Utc);
        using (ProxyRegistry.Register(_paths, new RunningProxy(Environment.ProcessId, 8123, "work", started)))
        {
            var running = Assert.Single(ProxyRegistry.ListRunning(_paths));
            Assert.Equal(new RunningProxy(Environment.ProcessId, 8123, "work", started), running);
            Assert.True(running.IsThisProcess);
        }

        Assert.Empty(ProxyRegistry.ListRunning(_paths));
    }

    [Fact]
    public void Entries_of_dead_processes_and_unreadable_files_are_ignored_and_stale_ones_removed()
    {
        var directory = Path.Combine(_paths.Home, "run");
        Directory.CreateDirectory(directory);
        var dead = Path.Combine(directory, "999999-8080.json");
        File.WriteAllText(dead, JsonSerializer.Serialize(new RunningProxy(999999, 8080, null, DateTime.UtcNow)));
        File.WriteAllText(Path.Combine(directory, "broken.json"), "{ not json");

        Assert.Empty(ProxyRegistry.ListRunning(_paths));
        Assert.False(File.Exists(dead));
    }

    [Fact]
    public void The_entry_of_a_killed_process_is_removed_when_the_next_proxy_starts()
    {
        using var child = Tokentap.Engine.Tests.Usage.ChildProcess.Start("register", _paths.Home, "8555");
        for (var until = DateTime.UtcNow.AddSeconds(60); !child.Lines.Contains("REGISTERED"); Thread.Sleep(10))
        {
            Assert.True(DateTime.UtcNow < until && !child.HasExited, "the child did not register: " + string.Join("\n", child.Lines));
        }

        var entry = Assert.Single(Directory.GetFiles(Path.Combine(_paths.Home, "run")));
        child.Kill();
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.True(File.Exists(entry));

        using (ProxyRegistry.Register(_paths, new RunningProxy(Environment.ProcessId, 8123, null, DateTime.UtcNow)))
        {
            Assert.False(File.Exists(entry));
            Assert.Equal([8123], ProxyRegistry.ListRunning(_paths).Select(p => p.Port));
        }
    }

    [Fact]
    public void An_entry_is_the_same_json_the_serializer_wrote_and_reads_back_as_the_serializer_wrote_it()
    {
        var started = new DateTime(2026, 12, 6, 11, 4, 41, DateTimeKind.Utc).AddTicks(1234567);
        var proxy = new RunningProxy(4321, 8080, "work \"2\"", started);
        using (ProxyRegistry.Register(_paths, proxy))
        {
            var text = File.ReadAllText(Path.Combine(_paths.Home, "run", "4321-8080.json"));
            Assert.Equal("""{"ProcessId":4321,"Port":8080,"Session":"work \u00222\u0022","StartedUtc":"2026-12-06T11:04:41.1234567Z"}""", text);
            Assert.Equal(proxy, JsonSerializer.Deserialize<RunningProxy>(text));
        }

        // An entry written by the serializer (earlier versions) reads back the same; a session-less one too.
        Assert.Equal(proxy, RunningProxyJson.Read(JsonSerializer.Serialize(proxy)));
        Assert.Equal(proxy with { Session = null }, RunningProxyJson.Read(JsonSerializer.Serialize(proxy with { Session = null })));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"Port":8080}""")]
    [InlineData("""{"ProcessId":"12","Port":8080}""")]
    [InlineData("""{"ProcessId":12,"Port":8080.5}""")]
    public void Json_that_is_not_an_entry_reads_as_none(string json) => Assert.Null(RunningProxyJson.Read(json));

    public void Dispose() => Directory.Delete(_paths.Home, recursive: true);
}
