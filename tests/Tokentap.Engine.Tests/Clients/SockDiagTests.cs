// The netlink sock_diag exact lookup against real sockets: the same inode as /proc/net/tcp and tcp6 and as the
// socket's own descriptor, for IPv4, a dual-mode socket and IPv6, and no inode for ends nobody holds.
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Tokentap.Engine.Clients;

namespace Tokentap.Engine.Tests.Clients;

[SupportedOSPlatform("linux")]
public sealed class SockDiagTests
{
    [Fact]
    public void Tcp_sock_diag_answers_on_this_machine()
    {
        Assert.True(SockDiag.IsAvailable);
    }

    [Fact]
    public void An_ipv4_connection_has_the_inode_proc_net_tcp_shows_on_both_ends()
    {
        using var pair = Pair.Connect(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), IPAddress.Loopback);

        AssertSameInode(pair.Client, pair.ClientEnd, pair.ServerEnd);
        AssertSameInode(pair.Accepted, pair.ServerEnd, pair.ClientEnd);
        Assert.NotEqual(Inode(pair.ClientEnd, pair.ServerEnd), Inode(pair.ServerEnd, pair.ClientEnd));
    }

    [Fact]
    public void A_dual_mode_ipv6_socket_connected_to_127_0_0_1_has_the_inode_of_its_tcp6_line_asked_for_either_way()
    {
        var dualMode = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Assert.True(dualMode.DualMode);
        using var pair = Pair.Connect(dualMode, IPAddress.Loopback);

        // The client's own end reads ::ffff:127.0.0.1; the accepted end (an IPv4 socket) 127.0.0.1.
        Assert.True(((IPEndPoint)pair.Client.LocalEndPoint!).Address.IsIPv4MappedToIPv6);
        AssertSameInode(pair.Client, pair.ClientEnd, pair.ServerEnd);
        AssertSameInode(pair.Client, (IPEndPoint)pair.Client.LocalEndPoint!, (IPEndPoint)pair.Client.RemoteEndPoint!);
        Assert.Null(ProcNetTcpLine("/proc/net/tcp", pair.ClientEnd, pair.ServerEnd));
        Assert.Equal(Inode(pair.ClientEnd, pair.ServerEnd), ProcNetTcpLine("/proc/net/tcp6", new IPEndPoint(pair.ClientEnd.Address.MapToIPv6(), pair.ClientEnd.Port), new IPEndPoint(pair.ServerEnd.Address.MapToIPv6(), pair.ServerEnd.Port)));
    }

    [Ipv6LoopbackFact]
    public void An_ipv6_loopback_connection_has_the_inode_proc_net_tcp6_shows()
    {
        using var pair = Pair.Connect(new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp), IPAddress.IPv6Loopback);

        Assert.Equal(IPAddress.IPv6Loopback, pair.ClientEnd.Address);
        AssertSameInode(pair.Client, pair.ClientEnd, pair.ServerEnd);
        AssertSameInode(pair.Accepted, pair.ServerEnd, pair.ClientEnd);
    }

    [Fact]
    public void Ends_nobody_holds_are_absent_even_where_a_listener_has_the_local_port()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var listening = (IPEndPoint)listener.LocalEndPoint!;

        // With no connection of these ends the kernel's lookup falls through to a listener on the local end's port
        // (a client port taken by a listener once the client is gone) and names it: not the socket asked for.
        Assert.Equal(SockDiag.Answer.Absent, SockDiag.Find(listening, new IPEndPoint(IPAddress.Loopback, 1), out _));
        Assert.Null(LinuxClientProcessResolver.FindSocketInode(listening, new IPEndPoint(IPAddress.Loopback, 1)));
        Assert.Equal(SockDiag.Answer.Absent, SockDiag.Find(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), out _));
        Assert.Null(LinuxClientProcessResolver.FindSocketInode(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2)));
    }

    [Fact]
    public void A_closed_connection_in_time_wait_is_found_with_inode_zero_and_so_has_no_inode()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        IPEndPoint clientEnd;
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            client.Connect(listener.LocalEndPoint!);
            using var accepted = listener.Accept();
            clientEnd = (IPEndPoint)client.LocalEndPoint!;

            // The client closes first, so its end waits in TIME_WAIT once the other end has closed too.
            client.Shutdown(SocketShutdown.Both);
            client.Close();
            Assert.Equal(0, accepted.Receive(new byte[1]));
        }

        var server = (IPEndPoint)listener.LocalEndPoint!;
        Assert.Equal(SockDiag.Answer.Found, SockDiag.Find(clientEnd, server, out var inode));
        Assert.Equal(0u, inode);
        Assert.Null(LinuxClientProcessResolver.FindSocketInode(clientEnd, server));
        Assert.Null(ProcNetTcp.FindSocketInode(clientEnd, server));
    }

    /// <summary>
    /// Netlink's inode for the ends equals the one /proc/net/tcp (or tcp6) shows and the one of the socket's own
    /// descriptor link in /proc/self/fd.
    /// </summary>
    private static void AssertSameInode(Socket socket, IPEndPoint local, IPEndPoint remote)
    {
        var inode = Inode(local, remote);
        Assert.Equal(ProcNetTcp.FindSocketInode(local, remote), (ulong)inode);
        Assert.Equal($"socket:[{inode}]", new FileInfo($"/proc/self/fd/{socket.Handle}").LinkTarget);
        Assert.Equal((ulong)inode, LinuxClientProcessResolver.FindSocketInode(local, remote));
    }

    private static uint Inode(IPEndPoint local, IPEndPoint remote)
    {
        Assert.Equal(SockDiag.Answer.Found, SockDiag.Find(local, remote, out var inode));
        Assert.NotEqual(0u, inode);
        return inode;
    }

    /// <summary>The inode on the line of one table for these ends, or null when that table has no such line.</summary>
    private static ulong? ProcNetTcpLine(string table, IPEndPoint local, IPEndPoint remote)
    {
        var (localText, remoteText) = (ProcNetTcp.ProcAddress(local.Address, local.Port), ProcNetTcp.ProcAddress(remote.Address, remote.Port));
        return File.ReadLines(table).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[1] == localText && fields[2] == remoteText)
            .Select(fields => (ulong?)ulong.Parse(fields[9], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();
    }

    /// <summary>A client socket connected to a listener on <paramref name="address"/>, and the accepted end.</summary>
    private sealed class Pair : IDisposable
    {
        private readonly Socket _listener;

        private Pair(Socket listener, Socket client, Socket accepted)
        {
            _listener = listener;
            Client = client;
            Accepted = accepted;
        }

        public Socket Client { get; }

        public Socket Accepted { get; }

        /// <summary>The client's end as the accepted socket sees it (the proxy's view).</summary>
        public IPEndPoint ClientEnd => (IPEndPoint)Accepted.RemoteEndPoint!;

        public IPEndPoint ServerEnd => (IPEndPoint)Accepted.LocalEndPoint!;

        public static Pair Connect(Socket client, IPAddress address)
        {
            var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(address, 0));
            listener.Listen();
            client.Connect(listener.LocalEndPoint!);
            return new Pair(listener, client, listener.Accept());
        }

        public void Dispose()
        {
            Accepted.Dispose();
            Client.Dispose();
            _listener.Dispose();
        }
    }
}
