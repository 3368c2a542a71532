// Shared logic of Install-TokentapCertificate and Uninstall-TokentapCertificate.
using System.Management.Automation;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Trust;

namespace Tokentap.PowerShell;

/// <summary>Opens (or creates) the CA and changes the OS trust store with ShouldProcess.</summary>
public abstract class CertificateTrustCmdlet : TokentapCmdlet
{
    /// <summary>CurrentUser or LocalMachine; default: CurrentUser on Windows and macOS, LocalMachine on Linux.</summary>
    [Parameter]
    public CertificateStoreScope Scope { get; set; }

    private protected void Change(bool install)
    {
        ISystemTrustStore store;
        try
        {
            store = SystemTrustStores.ForCurrentSystem();
        }
        catch (TrustStoreException ex)
        {
            ThrowTerminating(ex, "TrustStoreNotFound", ErrorCategory.NotInstalled, null);
            return;
        }

        var scope = MyInvocation.BoundParameters.ContainsKey(nameof(Scope)) ? Scope : store.DefaultScope;
        var paths = ModuleState.Runtime.Paths;
        var caFile = Path.Combine(paths.CaDirectory, CertificateAuthority.CertificateFileName);
        if (!install && !File.Exists(caFile))
        {
            WriteWarning($"There is no Tokentap certificate authority at {caFile}; nothing to remove.");
            return;
        }

        var hosts = ModuleState.Session?.Listener.Server.Options.InterceptHosts.Patterns ?? InterceptHostList.Default.Patterns;
        CertificateAuthorityOpenResult opened;
        try
        {
            opened = CertificateAuthority.Open(paths, hosts);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            ThrowTerminating(ex, "CertificateAuthorityUnavailable", ErrorCategory.OpenError, caFile);
            return;
        }

        using var authority = opened.Authority;
        var action = install ? $"Trust the Tokentap root certificate ({authority.Thumbprint})" : $"Remove trust in the Tokentap root certificate ({authority.Thumbprint})";
        if (!ShouldProcess($"{scope} trust store", action))
        {
            return;
        }

        try
        {
            var result = install
                ? store.Install(authority.Certificate, authority.CertificatePath, scope)
                : store.Uninstall(authority.Certificate, authority.CertificatePath, scope);
            WriteObject(result);
        }
        catch (TrustStoreException ex)
        {
            WriteError(ex, ex.NeedsElevation ? "ElevationRequired" : "TrustStoreChangeFailed", ex.NeedsElevation ? ErrorCategory.PermissionDenied : ErrorCategory.InvalidOperation, scope);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(ex, "TrustStoreChangeFailed", ErrorCategory.WriteError, scope);
        }
    }
}
