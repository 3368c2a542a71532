// The few libc calls the Linux client lookup makes directly: a netlink socket, directory reading and readlinkat.
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
    public const int OpenReadOnlyCloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "socket")]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send")]
    public static partial nint Send(int descriptor, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv")]
    public static partial nint Receive(int descriptor, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    public static partial nint Read(int descriptor, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int descriptor);

    /// <summary>openat(2); its mode argument is variadic in C and passed here as a plain fourth int (0, unused without O_CREAT).</summary>
    [LibraryImport("libc", EntryPoint = "openat")]
    public static partial int OpenAt(int directory, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "readlinkat")]
    public static partial nint ReadLinkAt(int directory, byte* path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "opendir")]
    public static partial nint OpenDirectory(byte* path);

    /// <summary>readdir(3) of a 64-bit process: struct dirent is laid out as struct dirent64 there (glibc and musl).</summary>
    [LibraryImport("libc", EntryPoint = "readdir")]
    public static partial byte* ReadDirectory(nint directory);

    /// <summary>readdir64(3), for a 32-bit process, where struct dirent has 32-bit fields and dirent64 does not.</summary>
    [LibraryImport("libc", EntryPoint = "readdir64")]
    public static partial byte* ReadDirectory64(nint directory);

    [LibraryImport("libc", EntryPoint = "dirfd")]
    public static partial int DirectoryDescriptor(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    public static partial int CloseDirectory(nint directory);
}
