// Records which processes run a Tokentap proxy for a data folder, so every shell (and Watch-TokenUsage) can tell
// "running here", "running elsewhere" and "not running". Entries of dead processes are removed on start and on read.
using System.Diagnostics;
using System.Text.Json;
using Tokentap.Engine.Certificates;

namespace Tokentap.Engine.Registry;

/// <summary>
/// One small JSON file per listener under $TOKENTAP_HOME/run, readable by the owner only (the folder 0700, the files
/// 0600 on Unix). A process killed without unregistering (kill -9, a crash) leaves its file behind: the next start and
/// every read remove the files of processes that are gone.
/// </summary>
public static class ProxyRegistry
{
    private const string Folder = "run";

    /// <summary>Registers a listener; dispose the result to unregister.</summary>
    public static IDisposable Register(TokentapPaths paths, RunningProxy proxy)
    {
        paths.EnsureHome();
        var directory = Path.Combine(paths.Home, Folder);
        OwnerOnlyFile.EnsureDirectory(directory);
        OwnerOnlyFile.RestrictToOwner(directory);
        foreach (var existing in Directory.EnumerateFiles(directory))
        {
            OwnerOnlyFile.RestrictToOwner(existing);
        }

        RemoveStale(directory);
        var file = Path.Combine(directory, $"{proxy.ProcessId}-{proxy.Port}.json");
        OwnerOnlyFile.WriteSecret(file, RunningProxyJson.Write(proxy));
        return new Registration(file);
    }

    /// <summary>The listeners whose processes are alive, this process's first, then by start time.</summary>
    public static IReadOnlyList<RunningProxy> ListRunning(TokentapPaths paths)
    {
        var directory = Path.Combine(paths.Home, Folder);
        if (!Directory.Exists(directory))
        {
            return Array.Empty<RunningProxy>();
        }

        return RemoveStale(directory).OrderByDescending(p => p.IsThisProcess).ThenBy(p => p.StartedUtc).ToList();
    }

    /// <summary>Reads every entry, deletes those of processes that are gone and returns the others.</summary>
    private static List<RunningProxy> RemoveStale(string directory)
    {
        var running = new List<RunningProxy>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            RunningProxy? proxy;
            try
            {
                proxy = RunningProxyJson.Read(File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                continue;
            }

            if (proxy is null)
            {
                continue;
            }

            if (IsAlive(proxy.ProcessId))
            {
                running.Add(proxy);
            }
            else
            {
                TryDelete(file);
            }
        }

        return running;
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another process may be cleaning up the same stale entry.
        }
    }

    private sealed class Registration(string file) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                TryDelete(file);
            }
        }
    }
}
