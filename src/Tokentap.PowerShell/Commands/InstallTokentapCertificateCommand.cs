// Install-TokentapCertificate: trusts the Tokentap root certificate in the operating system's trust store.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Install, "TokentapCertificate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CertificateTrustResult))]
public sealed class InstallTokentapCertificateCommand : CertificateTrustCmdlet
{
    protected override void EndProcessing() => Change(install: true);
}
