// Picks the client process resolver for the operating system the proxy runs on.
namespace Tokentap.Engine.Clients;

/// <summary>The <see cref="IClientProcessResolver"/> of this platform.</summary>
public static class ClientProcessResolver
{
    private static readonly IClientProcessResolver? Platform = Create();

    /// <summary>
    /// Linux: /proc (process, name and project). Windows: the TCP table (process and name; the project stays empty).
    /// Other systems (macOS): null, no lookup: the socket owner would need proc_pidfdinfo socket structures or lsof,
    /// which are not implemented, so ClientProcessId, ClientProcessName and Project stay empty there.
    /// </summary>
    public static IClientProcessResolver? ForCurrentPlatform() => Platform;

    private static IClientProcessResolver? Create()
    {
        if (OperatingSystem.IsLinux())
        {
            return new LinuxClientProcessResolver();
        }

        if (OperatingSystem.IsWindows())
        {
            return new WindowsClientProcessResolver();
        }

        return null;
    }
}
