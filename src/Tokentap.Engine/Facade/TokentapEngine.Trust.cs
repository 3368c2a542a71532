// Facade use cases of Install- and Uninstall-TokentapCertificate: the Tokentap root in the operating system's trust store.
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Trust;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>
    /// Trusts (<paramref name="install"/>) or untrusts the Tokentap root in <paramref name="scope"/> (null: the system's
    /// default scope). Opens, or for an install creates, the CA with the running proxy's hosts. Asks
    /// <paramref name="confirm"/> (target, action) before changing anything; returns null when it says no or when there
    /// is no CA to untrust (with a warning). Throws TrustStoreNotFound or CertificateAuthorityUnavailable (the command
    /// stops), ElevationRequired or TrustStoreChangeFailed.
    /// </summary>
    public CertificateTrustResult? ChangeTrust(bool install, CertificateStoreScope? scope, Func<string, string, bool> confirm, ITokentapMessages messages)
    {
        ISystemTrustStore store;
        try
        {
            store = SystemTrustStores.ForCurrentSystem();
        }
        catch (Exception ex) when (EngineFailures.Trust(ex, null) is { } failure)
        {
            throw failure;
        }

        var chosen = scope ?? store.DefaultScope;
        if (!install && !File.Exists(CaCertificatePath))
        {
            messages.WriteWarning($"There is no Tokentap certificate authority at {CaCertificatePath}; nothing to remove.");
            return null;
        }

        using var authority = OpenAuthority();
        var action = install ? $"Trust the Tokentap root certificate ({authority.Thumbprint})" : $"Remove trust in the Tokentap root certificate ({authority.Thumbprint})";
        if (!confirm($"{chosen} trust store", action))
        {
            return null;
        }

        try
        {
            return install
                ? store.Install(authority.Certificate, authority.CertificatePath, chosen)
                : store.Uninstall(authority.Certificate, authority.CertificatePath, chosen);
        }
        catch (Exception ex) when (EngineFailures.Trust(ex, chosen) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The CA for the hosts this process's proxy reads (the built-in hosts when none runs).</summary>
    private CertificateAuthority OpenAuthority()
    {
        IReadOnlyList<string> hosts;
        lock (_gate)
        {
            hosts = _proxy?.Server.Options.InterceptHosts.Patterns ?? InterceptHostList.Default.Patterns;
        }

        try
        {
            return CertificateAuthority.Open(Runtime.Paths, hosts).Authority;
        }
        catch (Exception ex) when (EngineFailures.Authority(ex, CaCertificatePath) is { } failure)
        {
            throw failure;
        }
    }
}
