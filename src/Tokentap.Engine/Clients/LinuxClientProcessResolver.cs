// Linux: the client socket's inode from netlink sock_diag (or /proc/net/tcp), its owner from /proc/PID/fd, the project from its cwd.
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;

namespace Tokentap.Engine.Clients;

/// <summary>
/// Finds the client process through the kernel: a netlink sock_diag exact lookup of the connection (local end the
/// client's, remote end the proxy's) gives the socket's inode (where netlink cannot answer, the line of /proc/net/tcp or
/// tcp6 does); the first process (this process's
/// descendants, then itself, then its ancestors, then the newest) with a /proc/PID/fd link to <c>socket:[inode]</c> owns it. Only that inode
/// is searched for and the scan stops at the first match. Processes of other users cannot be read without root and stay unknown. The project is left empty
/// when the working directory would not name the folder the user meant: a process in another mount namespace (a
/// container), a deleted directory, or this process itself (pwsh keeps its location apart from the OS working
/// directory).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class LinuxClientProcessResolver : IClientProcessResolver
{
    /// <summary>comm holds at most 15 characters; a name that long may be cut.</summary>
    private const int CommLength = 15;

    private readonly string? _mountNamespace = ReadLink("/proc/self/ns/mnt");
    private readonly bool _netlink;

    public LinuxClientProcessResolver()
        : this(netlink: true)
    {
    }

    /// <param name="netlink">False to read /proc/net/tcp for the inode, as where netlink sock_diag does not answer.</param>
    internal LinuxClientProcessResolver(bool netlink)
    {
        _netlink = netlink;
    }

    public ClientProcess? Resolve(IPEndPoint client, IPEndPoint proxy)
    {
        var inode = _netlink ? FindSocketInode(client, proxy) : ProcNetTcp.FindSocketInode(client, proxy);
        if (inode is not { } socketInode)
        {
            return null;
        }

        var processId = FindSocketOwner(socketInode);
        return processId is { } id ? new ClientProcess(id, ReadName(id), ReadProject(id)) : null;
    }

    /// <summary>
    /// The inode of the socket whose local end is <paramref name="client"/> and remote end <paramref name="proxy"/>, or
    /// null when no process holds one (no such connection, or one already closed: TIME_WAIT shows inode 0). Asked of
    /// netlink sock_diag; from /proc/net/tcp and tcp6 only when netlink cannot answer.
    /// </summary>
    internal static ulong? FindSocketInode(IPEndPoint client, IPEndPoint proxy) => SockDiag.Find(client, proxy, out var inode) switch
    {
        SockDiag.Answer.Found => inode == 0 ? null : inode,
        SockDiag.Answer.Absent => null,
        _ => ProcNetTcp.FindSocketInode(client, proxy),
    };

    /// <summary>The first process, in <see cref="ProcessIdsInSearchOrder"/>, with a descriptor for the socket.</summary>
    private static int? FindSocketOwner(ulong inode)
    {
        var target = $"socket:[{inode.ToString(CultureInfo.InvariantCulture)}]";
        foreach (var processId in ProcessIdsInSearchOrder())
        {
            try
            {
                foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd"))
                {
                    if (string.Equals(ReadLink(descriptor), target, StringComparison.Ordinal))
                    {
                        return processId;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another user's process, or one that just ended.
            }
        }

        return null;
    }

    /// <summary>
    /// Every process id: this process's descendants first (Invoke-TokentapCommand's child, a client started from the
    /// pwsh running the proxy), then this process (a client inside the pwsh running the proxy), then its ancestors,
    /// parent first (a client whose shell or host started the process running the proxy), then the rest; descendants
    /// and the rest newest first (clients are usually recent). Reading every process's descriptors costs one readlink
    /// per descriptor, thousands on a busy machine; reading each parent id costs one small read per process, so the
    /// common cases check a handful of processes instead of all.
    /// </summary>
    internal static List<int> ProcessIdsInSearchOrder()
    {
        var parents = new Dictionary<int, int>();
        try
        {
            foreach (var entry in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(entry.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    parents[id] = ReadParentId(entry);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No /proc: no owner can be found.
        }

        var descendants = new HashSet<int>();
        var added = true;
        while (added)
        {
            added = false;
            foreach (var (id, parent) in parents)
            {
                if ((parent == Environment.ProcessId || descendants.Contains(parent)) && descendants.Add(id))
                {
                    added = true;
                }
            }
        }

        var ancestors = Ancestors(parents);
        var ids = parents.Keys.Where(id => !ancestors.Contains(id)).ToList();
        int Group(int id) => descendants.Contains(id) ? 0 : id == Environment.ProcessId ? 1 : 2;
        ids.Sort((a, b) => Group(a) != Group(b) ? Group(a).CompareTo(Group(b)) : b.CompareTo(a));
        var rest = ids.FindIndex(id => Group(id) == 2);
        ids.InsertRange(rest < 0 ? ids.Count : rest, ancestors);
        return ids;
    }

    /// <summary>This process's parent, its parent, and so on, as far as /proc shows them (a loop is cut).</summary>
    private static List<int> Ancestors(Dictionary<int, int> parents)
    {
        var chain = new List<int>();
        for (var id = parents.GetValueOrDefault(Environment.ProcessId); id > 0 && parents.ContainsKey(id) && id != Environment.ProcessId && !chain.Contains(id); id = parents[id])
        {
            chain.Add(id);
        }

        return chain;
    }

    /// <summary>
    /// The parent id from /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold spaces and parentheses). comm holds
    /// at most 15 bytes and only numbers follow it, so the first 128 bytes hold the parent id: one small read into the
    /// stack, no stream, no string (this runs for every process on each lookup).
    /// </summary>
    private static int ReadParentId(string processDirectory)
    {
        Span<byte> buffer = stackalloc byte[128];
        int read;
        try
        {
            using var handle = File.OpenHandle(processDirectory + "/stat");
            read = RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        var stat = buffer[..read];
        var afterName = stat.LastIndexOf((byte)')');
        if (afterName < 0)
        {
            return 0;
        }

        var rest = stat[(afterName + 1)..].TrimStart((byte)' ');
        var state = rest.IndexOf((byte)' ');
        if (state < 0)
        {
            return 0;
        }

        rest = rest[(state + 1)..];
        var end = rest.IndexOf((byte)' ');
        return end > 0 && int.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : 0;
    }

    /// <summary>comm, or the file name of argv[0] when comm was cut at 15 characters and argv[0] continues it.</summary>
    private static string? ReadName(int processId)
    {
        var comm = ReadText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/comm")?.TrimEnd('\n');
        if (comm is not { Length: CommLength })
        {
            return string.IsNullOrEmpty(comm) ? null : comm;
        }

        var commandLine = ReadText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/cmdline");
        var argument0 = commandLine?.Split('\0')[0];
        var file = argument0 is null ? null : Path.GetFileName(argument0);
        return file is not null && file.StartsWith(comm, StringComparison.Ordinal) ? file : comm;
    }

    private string? ReadProject(int processId)
    {
        if (processId == Environment.ProcessId)
        {
            return null;
        }

        var process = $"/proc/{processId.ToString(CultureInfo.InvariantCulture)}";
        if (_mountNamespace is not null && !string.Equals(ReadLink(process + "/ns/mnt"), _mountNamespace, StringComparison.Ordinal))
        {
            return null;
        }

        // A deleted working directory reads as "/path (deleted)", which does not exist.
        var directory = ReadLink(process + "/cwd");
        return directory is not null && Path.IsPathRooted(directory) && Directory.Exists(directory) ? ProjectFolder.Of(directory) : null;
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
