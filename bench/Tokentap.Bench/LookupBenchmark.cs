// The client-process lookup on its own: CPU per lookup of a real loopback connection among many TIME_WAIT sockets.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Tokentap.Engine.Clients;

namespace Tokentap.Bench;

/// <summary>
/// Leaves --time-wait loopback connections (default 2,000) in TIME_WAIT, then resolves live connections --lookups times
/// (default 200, spread over --clients clients of each kind, default 10) on this thread and reports CPU
/// (CLOCK_THREAD_CPUTIME_ID) and wall time per lookup, for clients that are children of this process (curl started
/// here: the descendants come first) and for ones that are not (curl whose starting shell exited: found only among the rest of the processes). Linux only.
/// </summary>
internal static class LookupBenchmark
{
    public static int Run(string[] args)
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("lookup: Linux only");
            return 2;
        }

        var lookups = BenchOptions.Int(args, "--lookups", 200);
        var timeWait = BenchOptions.Int(args, "--time-wait", 2000);
        var clients = BenchOptions.Int(args, "--clients", 10);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        LeaveInTimeWait(listener, timeWait);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{CountTimeWait():N0} TCP sockets in TIME_WAIT, {Directory.GetDirectories("/proc").Length:N0} /proc entries"));

        var resolver = new LinuxClientProcessResolver();
        var children = new List<Process>();
        try
        {
            var connections = Connect(listener, clients, () =>
            {
                var child = Process.Start(new ProcessStartInfo("curl", ["--silent", "--max-time", "60", $"http://127.0.0.1:{port}/"]) { UseShellExecute = false })!;
                children.Add(child);
                return child.Id;
            });
            Measure("a child of this process", resolver, connections, lookups);
            var orphans = Connect(listener, clients, () =>
            {
                using var shell = Process.Start(new ProcessStartInfo("sh", ["-c", $"curl --silent --max-time 60 http://127.0.0.1:{port}/ >/dev/null 2>&1 & echo $!"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
                var orphan = int.Parse(shell.StandardOutput.ReadToEnd().Trim(), CultureInfo.InvariantCulture);
                shell.WaitForExit();
                children.Add(Process.GetProcessById(orphan));
                return orphan;
            });
            Measure("an unrelated process", resolver, orphans, lookups);
        }
        finally
        {
            foreach (var child in children)
            {
                child.Kill();
                child.Dispose();
            }
        }

        return 0;
    }

    /// <summary>Starts <paramref name="count"/> clients one after another and pairs each with the connection it made.</summary>
    private static List<(Socket Accepted, int ClientId)> Connect(Socket listener, int count, Func<int> startClient)
    {
        var connections = new List<(Socket, int)>();
        for (var i = 0; i < count; i++)
        {
            var clientId = startClient();
            connections.Add((listener.Accept(), clientId));
        }

        return connections;
    }

    /// <summary>
    /// Resolves the connections in turn, <paramref name="lookups"/> in all after a warm-up: where a connection sits in
    /// the kernel's tables depends on its port, so one connection alone would measure one position.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private static void Measure(string label, LinuxClientProcessResolver resolver, List<(Socket Accepted, int ClientId)> connections, int lookups)
    {
        var ends = connections.Select(c => ((IPEndPoint)c.Accepted.RemoteEndPoint!, (IPEndPoint)c.Accepted.LocalEndPoint!, c.ClientId)).ToList();
        foreach (var (client, proxy, clientId) in ends)
        {
            Check(resolver.Resolve(client, proxy), clientId);
        }

        var wall = Stopwatch.StartNew();
        var cpu = ThreadCpuMs();
        for (var i = 0; i < lookups; i++)
        {
            var (client, proxy, clientId) = ends[i % ends.Count];
            Check(resolver.Resolve(client, proxy), clientId);
        }

        var cpuUs = (ThreadCpuMs() - cpu) * 1000 / lookups;
        var wallUs = wall.Elapsed.TotalMicroseconds / lookups;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {lookups:N0} lookups of {ends.Count} connections, {cpuUs:N1} µs CPU and {wallUs:N1} µs wall per lookup"));
        foreach (var (accepted, _) in connections)
        {
            accepted.Dispose();
        }
    }

    private static void Check(ClientProcess? found, int clientId)
    {
        if (found?.ProcessId != clientId)
        {
            throw new InvalidOperationException($"the lookup found {found?.ProcessId.ToString(CultureInfo.InvariantCulture) ?? "nothing"}, not {clientId}");
        }
    }

    /// <summary>Connects and closes <paramref name="count"/> times, the client closing first, so its end waits in TIME_WAIT.</summary>
    private static void LeaveInTimeWait(Socket listener, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            using var accepted = listener.Accept();
            client.Shutdown(SocketShutdown.Both);
            client.Close();
            accepted.Receive(new byte[1]);
        }
    }

    private static int CountTimeWait() =>
        File.ReadLines("/proc/net/tcp").Concat(File.ReadLines("/proc/net/tcp6")).Count(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, _, _, "06", ..]);

    private static double ThreadCpuMs()
    {
        if (clock_gettime(3, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (time.Seconds * 1000.0) + (time.Nanoseconds / 1_000_000.0);
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
