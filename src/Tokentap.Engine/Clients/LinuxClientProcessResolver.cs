// Linux: the client socket's inode from netlink sock_diag (or /proc/net/tcp), its owner from /proc/PID/fd, the project from its cwd.
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;

namespace Tokentap.Engine.Clients;

/// <summary>
/// Finds the client process through the kernel: a netlink sock_diag exact lookup of the connection (local end the
/// client's, remote end the proxy's) gives the socket's inode (where netlink cannot answer, the line of /proc/net/tcp or
/// tcp6 does); the first process, in <see cref="ProcessSearchOrder"/>, with a /proc/PID/fd link to <c>socket:[inode]</c>
/// owns it. Only that inode is searched for and the search stops at the first match. Processes of other users cannot be
/// read without root and stay unknown. The project is left empty when the working directory would not name the folder
/// the user meant: a process in another mount namespace (a container), a deleted directory, or this process itself
/// (pwsh keeps its location apart from the OS working directory).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class LinuxClientProcessResolver : IClientProcessResolver
{
    /// <summary>comm holds at most 15 characters; a name that long may be cut.</summary>
    private const int CommLength = 15;

    private readonly string? _mountNamespace = ReadLink("/proc/self/ns/mnt");
    private readonly bool _netlink;
    private readonly bool _children;

    public LinuxClientProcessResolver()
        : this(netlink: true, children: true)
    {
    }

    /// <param name="netlink">False to read /proc/net/tcp for the inode, as where netlink sock_diag does not answer.</param>
    /// <param name="children">False to read every process's parent id, as where /proc/PID/task/TID/children does not exist.</param>
    internal LinuxClientProcessResolver(bool netlink, bool children)
    {
        _netlink = netlink;
        _children = children;
    }

    public ClientProcess? Resolve(IPEndPoint client, IPEndPoint proxy)
    {
        var inode = _netlink ? FindSocketInode(client, proxy) : ProcNetTcp.FindSocketInode(client, proxy);
        if (inode is not { } socketInode)
        {
            return null;
        }

        var processId = FindSocketOwner(socketInode, ProcessSearchOrder.Ids(_children));
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

    /// <summary>The first process of <paramref name="order"/> with a descriptor for the socket.</summary>
    private static int? FindSocketOwner(ulong inode, IEnumerable<int> order)
    {
        Span<byte> target = stackalloc byte[32];
        "socket:["u8.CopyTo(target);
        inode.TryFormat(target[8..], out var digits, provider: CultureInfo.InvariantCulture);
        target[8 + digits] = (byte)']';
        target = target[..(9 + digits)];
        foreach (var processId in order)
        {
            // Null for another user's process or one that just ended.
            using var descriptors = ProcDirectory.Open(processId, "fd"u8);
            if (descriptors is not null && descriptors.HoldsLinkTo(target))
            {
                return processId;
            }
        }

        return null;
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
