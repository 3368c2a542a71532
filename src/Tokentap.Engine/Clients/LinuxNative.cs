// The few libc calls the Linux client lookup makes directly: a netlink socket.
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Tokentap.Engine.Clients;

/// <summary>
/// libc entry points, source-generated (the engine is ReadyToRun-compiled). Pointers and plain integers only, so no
/// marshalling runs per call; no errno is kept: every caller treats any failure the same way.
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class LinuxNative
{
    public const int AddressFamilyNetlink = 16;
    public const int SocketDatagram = 2;
    public const int SocketCloseOnExec = 0x80000;
    public const int NetlinkSockDiag = 4;
    public const int ReceiveDontWait = 0x40;
    public const int ReceiveTruncated = 0x20;

    [LibraryImport("libc", EntryPoint = "socket")]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send")]
    public static partial nint Send(int descriptor, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv")]
    public static partial nint Receive(int descriptor, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int descriptor);
}
