// Get-TokentapEnvironment: the variables Start-Tokentap sets, as objects or as text for another shell.
using System.Management.Automation;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokentapEnvironment")]
[OutputType(typeof(TokentapEnvironmentVariable), typeof(string))]
public sealed class GetTokentapEnvironmentCommand : TokentapCmdlet
{
    /// <summary>Objects, or text for a .env file, PowerShell or a POSIX shell.</summary>
    [Parameter(Position = 0)]
    public TokentapEnvironmentFormat Format { get; set; } = TokentapEnvironmentFormat.Object;

    /// <summary>The proxy port to use when Tokentap is not running in this session (for a proxy in another shell).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    protected override void EndProcessing()
    {
        var session = ModuleState.Session;
        string proxyUrl;
        string caPath;
        string bundlePath;
        if (session is not null && !MyInvocation.BoundParameters.ContainsKey(nameof(Port)))
        {
            proxyUrl = session.Listener.ProxyUrl;
            caPath = session.Listener.Authority.Authority.CertificatePath;
            bundlePath = session.Listener.Authority.Authority.BundlePath;
        }
        else if (Port > 0)
        {
            var caDirectory = ModuleState.Runtime.Paths.CaDirectory;
            proxyUrl = $"http://127.0.0.1:{Port}";
            caPath = Path.Combine(caDirectory, CertificateAuthority.CertificateFileName);
            bundlePath = Path.Combine(caDirectory, CertificateAuthority.BundleFileName);
        }
        else
        {
            ThrowTerminating(
                new InvalidOperationException("Tokentap is not running in this session. Run Start-Tokentap, or give the port of a proxy running elsewhere with -Port."),
                "NotRunning",
                ErrorCategory.ObjectNotFound,
                null);
            return;
        }

        var variables = SessionEnvironment.Compute(proxyUrl, caPath, bundlePath, Environment.GetEnvironmentVariable, caseSensitiveNames: !OperatingSystem.IsWindows(), WriteWarning);
        if (Format == TokentapEnvironmentFormat.Object)
        {
            WriteObject(variables, enumerateCollection: true);
        }
        else
        {
            WriteObject(SessionEnvironment.Format(variables, Format));
        }
    }
}
