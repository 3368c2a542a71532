// The data folder belongs to its owner: 0700 and 0600 on Unix (also for an existing install), and another local user
// can neither read the files nor block the store by taking its lock.
using Tokentap.Engine.Registry;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageStoreOwnerOnlyTests : IDisposable
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempStore _temp = new(TimeSpan.FromSeconds(3));

    public void Dispose() => _temp.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_data_folder_and_its_files_are_owner_only_and_an_existing_install_is_tightened()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var paths = new TokentapPaths(_temp.Folder);
        File.SetUnixFileMode(_temp.Folder, (UnixFileMode)0b111_101_101);
        _temp.Store.Write(SampleEvents.All);
        using (ProxyRegistry.Register(paths, new RunningProxy(Environment.ProcessId, 8123, null, DateTime.UtcNow)))
        {
            var runFile = Assert.Single(Directory.GetFiles(Path.Combine(_temp.Folder, "run")));
            AssertOwnerOnly(runFile, Path.Combine(_temp.Folder, "run"));
        }

        AssertOwnerOnly(_temp.DatabasePath, _temp.DatabasePath + ".lock");
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(_temp.Folder));

        // An install made by an earlier version: folder 0755, files 0644. The next store and the next start tighten it.
        _temp.Store.Dispose();
        File.SetUnixFileMode(_temp.Folder, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_temp.DatabasePath, (UnixFileMode)0b110_100_100);
        var run = Path.Combine(_temp.Folder, "run");
        File.SetUnixFileMode(run, (UnixFileMode)0b111_101_101);
        var stale = Path.Combine(run, "1-1.json");
        File.WriteAllText(stale, "{ an entry an earlier version left half written");
        File.SetUnixFileMode(stale, (UnixFileMode)0b110_100_100);
        using (var reopened = new UsageStore(_temp.DatabasePath))
        {
            Assert.Equal(8, reopened.Count(UsageFilter.All));
        }

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(_temp.Folder));
        AssertOwnerOnly(_temp.DatabasePath);
        using (ProxyRegistry.Register(paths, new RunningProxy(Environment.ProcessId, 8124, null, DateTime.UtcNow)))
        {
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(run));
            AssertOwnerOnly(stale);
        }
    }

    [RootFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Another_local_user_can_neither_read_the_store_nor_block_it()
    {
        var paths = new TokentapPaths(_temp.Folder);
        File.SetUnixFileMode(_temp.Folder, (UnixFileMode)0b111_101_101);
        _temp.Store.Write(SampleEvents.All);
        using var registration = ProxyRegistry.Register(paths, new RunningProxy(Environment.ProcessId, 8123, null, DateTime.UtcNow));
        var runFile = Assert.Single(Directory.GetFiles(Path.Combine(_temp.Folder, "run")));
        var home = Directory.CreateTempSubdirectory("tokentap-nobody-").FullName;
        File.SetUnixFileMode(home, (UnixFileMode)0b111_111_111);
        try
        {
            using var intruder = ChildProcess.Start(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
                new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home },
                "intrude", _temp.DatabasePath, runFile, "60");
            for (var until = DateTime.UtcNow.AddSeconds(60); !intruder.Lines.Contains("HOLDING"); Thread.Sleep(10))
            {
                Assert.True(DateTime.UtcNow < until && !intruder.HasExited, "the other user's process did not start: " + string.Join("\n", intruder.Lines));
            }

            // While the other user holds everything it could get, the owner reads and writes (the lock waits 3 s at most).
            Assert.Equal(8, _temp.Store.Query(UsageFilter.All).Count());
            Assert.Equal(1, _temp.Store.Write([new UsageEvent { Timestamp = DateTime.UtcNow, Provider = "openai" }]).Inserted);
            Assert.Equal(9, _temp.Store.Count(UsageFilter.All));

            var lines = intruder.Lines.ToList();
            Assert.Contains("READ denied UnauthorizedAccessException", lines);
            Assert.Contains("RUN denied UnauthorizedAccessException", lines);
            Assert.Contains("LOCKFILE denied UnauthorizedAccessException", lines);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void AssertOwnerOnly(params string[] files)
    {
        foreach (var file in files)
        {
            var expected = Directory.Exists(file) ? OwnerOnlyFolder : OwnerOnlyFile;
            Assert.True(expected == File.GetUnixFileMode(file), $"{file}: {File.GetUnixFileMode(file)}");
        }
    }
}
