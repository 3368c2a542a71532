// Shared parameter and call of Install-TokentapCertificate and Uninstall-TokentapCertificate.
using System.Management.Automation;

namespace Tokentap.PowerShell;

/// <summary>Asks the engine to change the OS trust store, confirming with ShouldProcess.</summary>
public abstract class CertificateTrustCmdlet : TokentapCmdlet
{
    /// <summary>CurrentUser or LocalMachine; default: CurrentUser on Windows and macOS, LocalMachine on Linux.</summary>
    [Parameter]
    public CertificateStoreScope Scope { get; set; }

    private protected void Change(bool install) => WithEngine(() =>
    {
        var scope = MyInvocation.BoundParameters.ContainsKey(nameof(Scope)) ? Scope : (CertificateStoreScope?)null;
        if (Engine.ChangeTrust(install, scope, ShouldProcess, this) is { } result)
        {
            WriteObject(result);
        }
    });
}
