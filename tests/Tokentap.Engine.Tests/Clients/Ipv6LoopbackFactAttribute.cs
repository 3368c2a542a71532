// A fact that needs the IPv6 loopback address (::1); skipped on a machine where it cannot be bound.
using System.Net;
using System.Net.Sockets;

namespace Tokentap.Engine.Tests.Clients;

/// <summary>Runs only where a socket can bind ::1; elsewhere the test is skipped with the reason.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class Ipv6LoopbackFactAttribute : FactAttribute
{
    private static readonly bool Available = CanBind();

    public Ipv6LoopbackFactAttribute()
    {
        if (!Available)
        {
            Skip = "Needs the IPv6 loopback address ::1, which this machine cannot bind.";
        }
    }

    private static bool CanBind()
    {
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
}
