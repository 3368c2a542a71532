// The socket inode from the text of /proc/net/tcp and tcp6: the lookup's way when netlink sock_diag cannot answer.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Tokentap.Engine.Clients;

/// <summary>
/// Finds a socket's inode in /proc/net/tcp (or tcp6): the line whose local address is the client's end and whose
/// remote address is the proxy's. The kernel writes a line for every connection it holds (TIME_WAIT ones too) however
/// early the match comes, so this is the slow way, kept for systems where <see cref="SockDiag"/> does not answer
/// (netlink refused by seccomp, no tcp_diag).
/// </summary>
internal static class ProcNetTcp
{
    /// <summary>
    /// The inode of the socket whose local end is <paramref name="client"/> and remote end <paramref name="proxy"/>.
    /// An IPv4 socket is listed in tcp; a dual-mode IPv6 socket connected to an IPv4 address in tcp6 as ::ffff:a.b.c.d.
    /// </summary>
    public static ulong? FindSocketInode(IPEndPoint client, IPEndPoint proxy)
    {
        var clientAddress = Unmapped(client.Address);
        var proxyAddress = Unmapped(proxy.Address);
        if (clientAddress.AddressFamily == AddressFamily.InterNetwork && proxyAddress.AddressFamily == AddressFamily.InterNetwork)
        {
            return Search("/proc/net/tcp", ProcAddress(clientAddress, client.Port), ProcAddress(proxyAddress, proxy.Port))
                ?? Search("/proc/net/tcp6", ProcAddress(clientAddress.MapToIPv6(), client.Port), ProcAddress(proxyAddress.MapToIPv6(), proxy.Port));
        }

        return Search("/proc/net/tcp6", ProcAddress(client.Address, client.Port), ProcAddress(proxy.Address, proxy.Port));
    }

    /// <summary>
    /// An address and port as /proc/net/tcp prints them: each 32-bit word of the address in hex as the machine holds it
    /// (127.0.0.1 is 0100007F on little-endian), a colon, the port in hex.
    /// </summary>
    public static string ProcAddress(IPAddress address, int port)
    {
        var bytes = address.GetAddressBytes();
        var text = new StringBuilder(bytes.Length * 2 + 5);
        for (var i = 0; i < bytes.Length; i += 4)
        {
            text.Append(MemoryMarshal.Read<uint>(bytes.AsSpan(i, 4)).ToString("X8", CultureInfo.InvariantCulture));
        }

        return text.Append(':').Append(port.ToString("X4", CultureInfo.InvariantCulture)).ToString();
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static ulong? Search(string table, string local, string remote)
    {
        try
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var rest = line.AsSpan();
                NextField(ref rest);
                if (!NextField(ref rest).Equals(local, StringComparison.OrdinalIgnoreCase)
                    || !NextField(ref rest).Equals(remote, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                for (var skip = 0; skip < 6; skip++)
                {
                    NextField(ref rest);
                }

                // A socket already closed (TIME_WAIT) shows inode 0: no process holds it any more.
                return ulong.TryParse(NextField(ref rest), NumberStyles.None, CultureInfo.InvariantCulture, out var inode) && inode != 0 ? inode : null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No such table (IPv6 disabled) or no /proc: unknown.
        }

        return null;
    }

    private static ReadOnlySpan<char> NextField(ref ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart(' ');
        var end = rest.IndexOf(' ');
        var field = end < 0 ? rest : rest[..end];
        rest = end < 0 ? ReadOnlySpan<char>.Empty : rest[end..];
        return field;
    }
}
