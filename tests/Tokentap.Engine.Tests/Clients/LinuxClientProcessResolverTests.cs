// The Linux client process lookup against real sockets: curl in a git repository, a plain folder, an exited client,
// IPv6 loopback, a dual-mode socket, a grandchild, the ways without netlink or children files, the search order, and
// the /proc address text.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Tokentap.Engine.Clients;

namespace Tokentap.Engine.Tests.Clients;

[SupportedOSPlatform("linux")]
public sealed class LinuxClientProcessResolverTests
{
    private readonly LinuxClientProcessResolver _resolver = new();

    [Fact]
    public async Task Curl_in_a_folder_of_a_git_repository_is_found_with_its_id_name_and_the_repository_root()
    {
        using var project = new TempProject(git: true);
        var (found, curlId, afterExit) = await ResolveCurlAsync(IPAddress.Loopback, project.Nested);

        Assert.Equal(new ClientProcess(curlId, "curl", project.Root), found);
        Assert.Null(afterExit);
    }

    [Fact]
    public async Task Curl_in_a_folder_without_git_gets_that_folder_as_its_project()
    {
        using var project = new TempProject(git: false);
        var (found, curlId, _) = await ResolveCurlAsync(IPAddress.Loopback, project.Nested);

        Assert.Equal(new ClientProcess(curlId, "curl", project.Nested), found);
    }

    [Fact]
    public async Task Curl_over_ipv6_loopback_is_found()
    {
        using var project = new TempProject(git: true);
        var (found, curlId, afterExit) = await ResolveCurlAsync(IPAddress.IPv6Loopback, project.Nested);

        Assert.Equal(new ClientProcess(curlId, "curl", project.Root), found);
        Assert.Null(afterExit);
    }

    [Fact]
    public async Task Without_netlink_and_children_files_curl_is_found_from_proc_net_tcp_and_every_parent_id()
    {
        using var project = new TempProject(git: true);
        var resolver = new LinuxClientProcessResolver(netlink: false, children: false);
        var (found, curlId, afterExit) = await ResolveCurlAsync(IPAddress.Loopback, project.Nested, resolver);

        Assert.Equal(new ClientProcess(curlId, "curl", project.Root), found);
        Assert.Null(afterExit);
    }

    [Fact]
    public async Task A_grandchild_holding_a_connection_is_found_among_the_descendants_ahead_of_this_process()
    {
        using var project = new TempProject(git: false);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/";
        using var shell = Process.Start(new ProcessStartInfo("sh", ["-c", $"curl --silent --max-time 20 -o /dev/null {url} & echo $!; wait"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            WorkingDirectory = project.Nested,
        })!;
        var curlId = int.Parse((await shell.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)))!, System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var accepted = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(20));

            var found = _resolver.Resolve((IPEndPoint)accepted.RemoteEndPoint!, (IPEndPoint)accepted.LocalEndPoint!);
            var order = ProcessSearchOrder.Ids().ToList();

            Assert.Equal(new ClientProcess(curlId, "curl", project.Nested), found);
            Assert.True(order.IndexOf(shell.Id) >= 0 && order.IndexOf(curlId) >= 0 && order.IndexOf(curlId) < order.IndexOf(Environment.ProcessId), $"curl {curlId} at {order.IndexOf(curlId)}, sh {shell.Id} at {order.IndexOf(shell.Id)}, this process at {order.IndexOf(Environment.ProcessId)}");
        }
        finally
        {
            using (var curl = Process.GetProcessById(curlId))
            {
                curl.Kill();
            }

            await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public void A_dual_mode_socket_of_this_process_is_found_in_tcp6_without_a_project()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Assert.True(client.DualMode);
        client.Connect(listener.LocalEndPoint!);
        using var accepted = listener.Accept();

        var found = _resolver.Resolve((IPEndPoint)accepted.RemoteEndPoint!, (IPEndPoint)accepted.LocalEndPoint!);

        // This process's OS working directory is not the PowerShell location of the pwsh hosting the proxy: no project.
        using var self = Process.GetCurrentProcess();
        Assert.Equal(new ClientProcess(Environment.ProcessId, self.ProcessName, null), found);
        Assert.NotNull(LinuxClientProcessResolver.FindSocketInode((IPEndPoint)accepted.RemoteEndPoint!, (IPEndPoint)accepted.LocalEndPoint!));
    }

    [Fact]
    public void A_connection_nobody_holds_is_unknown()
    {
        var found = _resolver.Resolve(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2));

        Assert.Null(found);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Descendants_of_this_process_then_itself_are_searched_before_newer_processes_that_are_not(bool fromChildren)
    {
        // A child, then a newer process that is not a descendant: sh starts a sleep in the background and exits at
        // once, so that sleep is reparented away. Process ids may wrap between the two; then try again.
        for (var attempt = 0; ; attempt++)
        {
            using var child = Process.Start(new ProcessStartInfo("sleep", ["30"]) { UseShellExecute = false })!;
            using var shell = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 30 >/dev/null 2>&1 & echo $!"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
            var orphan = int.Parse(shell.StandardOutput.ReadToEnd().Trim(), System.Globalization.CultureInfo.InvariantCulture);
            shell.WaitForExit();
            try
            {
                if (orphan < child.Id && attempt < 3)
                {
                    continue;
                }

                var order = ProcessSearchOrder.Ids(fromChildren).ToList();

                Assert.True(orphan > child.Id, $"the orphan {orphan} should be newer than the child {child.Id}");
                Assert.True(order.IndexOf(child.Id) >= 0 && order.IndexOf(child.Id) < order.IndexOf(Environment.ProcessId), $"child {child.Id} at {order.IndexOf(child.Id)}, this process at {order.IndexOf(Environment.ProcessId)}");
                Assert.True(order.IndexOf(Environment.ProcessId) < order.IndexOf(orphan), $"this process at {order.IndexOf(Environment.ProcessId)}, orphan {orphan} at {order.IndexOf(orphan)}");
                return;
            }
            finally
            {
                child.Kill();
                using var stray = Process.GetProcessById(orphan);
                stray.Kill();
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_ancestors_parent_first_come_right_after_the_descendants_and_this_process_and_before_the_rest(bool fromChildren)
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", ["30"]) { UseShellExecute = false })!;
        try
        {
            var ancestors = AncestorsOf(Environment.ProcessId);

            var order = ProcessSearchOrder.Ids(fromChildren).ToList();

            // Parallel tests start and end children of this process: those that ended since are skipped.
            var self = order.IndexOf(Environment.ProcessId);
            Assert.Contains(child.Id, order.Take(self));
            Assert.All(order.Take(self).Where(id => Directory.Exists($"/proc/{id}")), id => Assert.Contains(Environment.ProcessId, AncestorsOf(id)));
            Assert.NotEmpty(ancestors);
            Assert.Equal(self + 1, order.IndexOf(ancestors[0]));
            Assert.Equal(ancestors, order.Skip(self + 1).Take(ancestors.Count));
            Assert.DoesNotContain(order.Skip(self + 1 + ancestors.Count), id => ancestors.Contains(id) || id == Environment.ProcessId);
            Assert.Equal(order.Count, order.Distinct().Count());
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public void Sixty_children_whose_ids_fill_more_than_one_read_of_a_children_file_all_come_before_this_process()
    {
        // Started from one thread, so one thread's children file lists them all: 60 ids of 5 digits or more and their
        // separators are more than the 256 bytes read at a time.
        var children = new List<Process>();
        try
        {
            for (var i = 0; i < 60; i++)
            {
                children.Add(Process.Start(new ProcessStartInfo("sleep", ["30"]) { UseShellExecute = false })!);
            }

            var order = ProcessSearchOrder.Ids().ToList();

            var self = order.IndexOf(Environment.ProcessId);
            Assert.All(children, child => Assert.InRange(order.IndexOf(child.Id), 0, self - 1));
            Assert.True(children.Sum(child => child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1) > 256);
        }
        finally
        {
            foreach (var child in children)
            {
                child.Kill();
                child.Dispose();
            }
        }
    }

    [Fact]
    public void Addresses_are_written_as_proc_net_tcp_writes_them()
    {
        Assert.Equal("0100007F:1F90", ProcNetTcp.ProcAddress(IPAddress.Loopback, 8080));
        Assert.Equal("00000000000000000000000001000000:0050", ProcNetTcp.ProcAddress(IPAddress.IPv6Loopback, 80));
        Assert.Equal("0000000000000000FFFF00000100007F:FFFF", ProcNetTcp.ProcAddress(IPAddress.Loopback.MapToIPv6(), 65535));
    }

    [Fact]
    public void The_project_is_the_nearest_folder_with_git_a_worktree_file_counts_and_without_one_the_folder_itself()
    {
        using var project = new TempProject(git: false);
        Assert.Equal(project.Nested, ProjectFolder.Of(project.Nested));

        Directory.CreateDirectory(Path.Combine(project.Root, ".git"));
        Assert.Equal(project.Root, ProjectFolder.Of(project.Nested));
        Assert.Equal(project.Root, ProjectFolder.Of(project.Root));

        var worktree = Path.Combine(project.Root, "src");
        File.WriteAllText(Path.Combine(worktree, ".git"), "gitdir: /elsewhere/.git/worktrees/src\n");
        Assert.Equal(worktree, ProjectFolder.Of(project.Nested));
    }

    /// <summary>The parent, its parent and so on, read from /proc/PID/stat ("pid (comm) state ppid ...").</summary>
    private static List<int> AncestorsOf(int processId)
    {
        var chain = new List<int>();
        for (var id = processId; ;)
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{id}/stat");
            }
            catch (IOException)
            {
                return chain;
            }

            var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (parent <= 0)
            {
                return chain;
            }

            chain.Add(parent);
            id = parent;
        }
    }

    /// <summary>
    /// Runs curl from <paramref name="workingDirectory"/> against a listener on <paramref name="address"/>, resolves
    /// the accepted connection while curl waits for its answer, answers, and resolves again after curl has exited.
    /// </summary>
    private async Task<(ClientProcess? Found, int CurlId, ClientProcess? AfterExit)> ResolveCurlAsync(IPAddress address, string workingDirectory, LinuxClientProcessResolver? resolver = null)
    {
        resolver ??= _resolver;
        using var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, 0));
        listener.Listen();
        var url = address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"http://[::1]:{((IPEndPoint)listener.LocalEndPoint!).Port}/"
            : $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/";
        using var curl = ClientCurl.Start(workingDirectory, new Dictionary<string, string>(), url);
        using var accepted = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var client = (IPEndPoint)accepted.RemoteEndPoint!;
        var proxy = (IPEndPoint)accepted.LocalEndPoint!;

        var found = resolver.Resolve(client, proxy);

        await accepted.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
        var (exitCode, output, error) = await curl.ExitAsync();
        Assert.True(exitCode == 0, $"curl exited {exitCode}: {error}");
        Assert.Equal("ok", output);
        return (found, curl.ProcessId, resolver.Resolve(client, proxy));
    }
}
