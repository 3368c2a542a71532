// The tests' own look at loopback ports: is one taken, and does this machine have an IPv6 loopback at all.
using System.Net;
using System.Net.Sockets;

namespace Tokentap.Engine.Tests.Proxy;

internal static class LoopbackPorts
{
    /// <summary>True when the port can be bound on 127.0.0.1 and, where IPv6 loopback works, on [::1].</summary>
    public static bool IsFree(int port) =>
        CanBind(IPAddress.Loopback, port) && (!IsIPv6LoopbackUsable() || CanBind(IPAddress.IPv6Loopback, port));

    public static bool IsIPv6LoopbackUsable() => Socket.OSSupportsIPv6 && CanBind(IPAddress.IPv6Loopback, 0);

    private static bool CanBind(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
