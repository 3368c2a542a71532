// Uninstall-TokentapCertificate: removes trust in the Tokentap root certificate from the operating system's store.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Uninstall, "TokentapCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CertificateTrustResult))]
public sealed class UninstallTokentapCertificateCommand : CertificateTrustCmdlet
{
    protected override void EndProcessing() => Change(install: false);
}
