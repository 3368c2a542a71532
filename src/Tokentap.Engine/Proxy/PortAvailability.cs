// Checks whether a loopback port is free and finds the next free one (the module starts at 8080 and moves on).
using System.Net;
using System.Net.Sockets;

namespace Tokentap.Engine.Proxy;

/// <summary>Port probing on 127.0.0.1 (and [::1] when available), the addresses the proxy listens on.</summary>
public static class PortAvailability
{
    /// <summary>True when nothing listens on the port on 127.0.0.1 nor on [::1]. A later bind can still lose a race.</summary>
    public static bool IsFree(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (!CanBind(IPAddress.Loopback, port))
        {
            return false;
        }

        return !Socket.OSSupportsIPv6 || CanBind(IPAddress.IPv6Loopback, port) || !IsIPv6LoopbackUsable();
    }

    /// <summary>The first free port from <paramref name="startPort"/> on, trying at most <paramref name="attempts"/> ports.</summary>
    public static int FindFree(int startPort, int attempts = 100)
    {
        for (var port = startPort; port < startPort + attempts && port <= 65535; port++)
        {
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port in {startPort}..{Math.Min(65535, startPort + attempts - 1)}.");
    }

    internal static bool IsIPv6LoopbackUsable()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

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
