// A file descriptor from a direct libc call (a netlink socket, a /proc file), closed once by its SafeHandle.
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Tokentap.Engine.Clients;

/// <summary>Owns a descriptor that <see cref="LinuxNative"/> opened; -1 (a failed open) is invalid.</summary>
[SupportedOSPlatform("linux")]
internal sealed class LinuxDescriptor : SafeHandle
{
    public LinuxDescriptor(int descriptor)
        : base(-1, ownsHandle: true)
    {
        SetHandle(descriptor);
    }

    public override bool IsInvalid => handle < 0;

    /// <summary>The descriptor number, for a call made while this handle is alive.</summary>
    public int Number => (int)handle;

    protected override bool ReleaseHandle() => LinuxNative.Close((int)handle) == 0;
}
