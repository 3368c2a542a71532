// Picks the trust store implementation for the operating system Tokentap runs on.
namespace Tokentap.Engine.Trust;

/// <summary>Factory for the current operating system's trust store.</summary>
public static class SystemTrustStores
{
    /// <summary>The trust store of this operating system.</summary>
    public static ISystemTrustStore ForCurrentSystem(ICommandRunner? runner = null)
    {
        runner ??= new ProcessCommandRunner();
        if (OperatingSystem.IsWindows())
        {
            return new WindowsTrustStore();
        }

        if (OperatingSystem.IsMacOS())
        {
            return new MacTrustStore(runner);
        }

        if (OperatingSystem.IsLinux())
        {
            return new LinuxTrustStore(LinuxTrustLayout.Detect(), runner, LinuxTrustStore.IsRoot);
        }

        throw new TrustStoreException($"Trusting certificates is not supported on {Environment.OSVersion.Platform}.");
    }
}
