// Trusts the Tokentap CA in a macOS keychain with the `security` tool.
namespace Tokentap.Engine.Trust;

/// <summary>The login keychain (CurrentUser) or the System keychain (LocalMachine, needs sudo).</summary>
public sealed class MacTrustStore : ISystemTrustStore
{
    private const string SystemKeychain = "/Library/Keychains/System.keychain";
    private readonly ICommandRunner _runner;

    public MacTrustStore(ICommandRunner runner) => _runner = runner;

    public CertificateStoreScope DefaultScope => CertificateStoreScope.CurrentUser;

    public CertificateTrustResult Install(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string pemPath, CertificateStoreScope scope)
    {
        var keychain = Keychain(scope);
        if (IsInKeychain(certificate, keychain))
        {
            return Result(CertificateTrustAction.AlreadyInstalled, scope, keychain, certificate);
        }

        var arguments = scope == CertificateStoreScope.LocalMachine
            ? new[] { "add-trusted-cert", "-d", "-r", "trustRoot", "-k", keychain, pemPath }
            : new[] { "add-trusted-cert", "-r", "trustRoot", "-k", keychain, pemPath };
        Run(arguments, scope, $"sudo security {string.Join(' ', arguments)}");
        return Result(CertificateTrustAction.Installed, scope, keychain, certificate, "security " + string.Join(' ', arguments));
    }

    public CertificateTrustResult Uninstall(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string pemPath, CertificateStoreScope scope)
    {
        var keychain = Keychain(scope);
        if (!IsInKeychain(certificate, keychain))
        {
            return Result(CertificateTrustAction.NotInstalled, scope, keychain, certificate);
        }

        var removeTrust = scope == CertificateStoreScope.LocalMachine
            ? new[] { "remove-trusted-cert", "-d", pemPath }
            : new[] { "remove-trusted-cert", pemPath };
        var delete = new[] { "delete-certificate", "-Z", certificate.Thumbprint, keychain };
        Run(removeTrust, scope, $"sudo security {string.Join(' ', removeTrust)} && sudo security {string.Join(' ', delete)}");
        Run(delete, scope, $"sudo security {string.Join(' ', delete)}");
        return Result(
            CertificateTrustAction.Removed,
            scope,
            keychain,
            certificate,
            "security " + string.Join(' ', removeTrust),
            "security " + string.Join(' ', delete));
    }

    private static string Keychain(CertificateStoreScope scope) =>
        scope == CertificateStoreScope.LocalMachine
            ? SystemKeychain
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Keychains", "login.keychain-db");

    private bool IsInKeychain(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string keychain)
    {
        var result = _runner.Run("security", new[] { "find-certificate", "-a", "-Z", keychain });
        return result.ExitCode == 0 && result.Output.Contains(certificate.Thumbprint, StringComparison.OrdinalIgnoreCase);
    }

    private void Run(string[] arguments, CertificateStoreScope scope, string manualCommand)
    {
        var result = _runner.Run("security", arguments);
        if (result.ExitCode != 0)
        {
            var elevation = scope == CertificateStoreScope.LocalMachine;
            throw new TrustStoreException(
                $"security {arguments[0]} failed with exit code {result.ExitCode}: {result.Output}" +
                (elevation ? $"{Environment.NewLine}The System keychain needs administrator rights. Run:{Environment.NewLine}  {manualCommand}" : ""),
                elevation);
        }
    }

    private static CertificateTrustResult Result(CertificateTrustAction action, CertificateStoreScope scope, string keychain, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, params string[] commands) =>
        new()
        {
            Action = action,
            Scope = scope,
            Location = keychain,
            Thumbprint = certificate.Thumbprint,
            Commands = commands,
        };
}
