// Install-TokentapCertificate and Uninstall-TokentapCertificate on this Linux machine, for real.
using System.Management.Automation;
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class CertificateTrustCommandTests(ModuleFixture module)
{
    private const string SystemBundle = "/etc/ssl/certs/ca-certificates.crt";

    [Fact]
    public void Install_then_uninstall_changes_the_system_trust_store_as_openssl_sees_it()
    {
        Assert.True(OperatingSystem.IsLinux(), "This test exercises the Linux trust store.");
        var caPath = Path.Combine(module.Home, "ca", "ca.pem");
        var whatIf = module.Run("Install-TokentapCertificate -WhatIf").ThrowIfFailed();
        Assert.Empty(whatIf.Output);
        Assert.True(File.Exists(caPath), "the CA is created on first use");

        if (!IsRoot())
        {
            var denied = module.Run("Install-TokentapCertificate -Confirm:$false");
            var error = Assert.Single(denied.Errors);
            Assert.StartsWith("ElevationRequired,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Contains($"sudo install -m 0644 '{caPath}'", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("update-ca-certificates", error.Exception.Message, StringComparison.Ordinal);
            return;
        }

        Assert.NotEqual(0, OpenSslVerify(caPath));
        try
        {
            var installed = module.Run("Install-TokentapCertificate -Confirm:$false").Single<CertificateTrustResult>();
            var again = module.Run("Install-TokentapCertificate -Confirm:$false").Single<CertificateTrustResult>();

            Assert.Equal(CertificateTrustAction.Installed, installed.Action);
            Assert.Equal(CertificateStoreScope.LocalMachine, installed.Scope);
            Assert.StartsWith("/usr/local/share/ca-certificates/tokentap-", installed.Location, StringComparison.Ordinal);
            Assert.Equal(CertificateTrustAction.AlreadyInstalled, again.Action);
            Assert.Equal(0, OpenSslVerify(caPath));
        }
        finally
        {
            var removed = module.Run("Uninstall-TokentapCertificate -Confirm:$false").Single<CertificateTrustResult>();
            Assert.Equal(CertificateTrustAction.Removed, removed.Action);
        }

        Assert.NotEqual(0, OpenSslVerify(caPath));
        var notInstalled = module.Run("Uninstall-TokentapCertificate -Confirm:$false").Single<CertificateTrustResult>();
        Assert.Equal(CertificateTrustAction.NotInstalled, notInstalled.Action);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void A_user_who_is_not_root_is_told_the_commands_to_run_and_nothing_changes()
    {
        // For real: pwsh in its own process as a user who is not root. Under root (CI) it runs as nobody through
        // setpriv; otherwise as this user.
        var home = Directory.CreateTempSubdirectory("tokentap-notroot-").FullName;
        try
        {
            File.SetUnixFileMode(home, (UnixFileMode)0x1FF);
            const string Script = """
                try { $null = Install-TokentapCertificate -Confirm:$false -ErrorAction Stop; 'INSTALLED' }
                catch { 'ID=' + $_.FullyQualifiedErrorId; 'CATEGORY=' + $_.CategoryInfo.Category; 'MESSAGE=' + $_.Exception.Message }
                """;
            string[] host = [TestPrograms.Pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", $"Import-Module '{module.ManifestPath}'; {Script}"];
            var command = IsRoot() ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", .. host] : host;
            var anchorsBefore = Directory.GetFiles("/usr/local/share/ca-certificates", "tokentap-*");

            var result = ChildProcess.Run(command[0], command[1..], new Dictionary<string, string?>
            {
                ["HOME"] = home,
                ["TOKENTAP_HOME"] = Path.Combine(home, ".tokentap"),
                ["DOTNET_CLI_HOME"] = home,
            });

            Assert.True(result.Stdout.Contains("ID=", StringComparison.Ordinal), $"{result.ExitCode}: {result.Stdout} {result.Stderr}");
            var caPath = Path.Combine(home, ".tokentap", "ca", "ca.pem");
            Assert.Contains("ID=ElevationRequired,Tokentap.PowerShell.Commands.InstallTokentapCertificateCommand", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("CATEGORY=PermissionDenied", result.Stdout, StringComparison.Ordinal);
            Assert.Contains($"sudo install -m 0644 '{caPath}'", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("sudo update-ca-certificates", result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("INSTALLED", result.Stdout, StringComparison.Ordinal);
            Assert.Equal(anchorsBefore, Directory.GetFiles("/usr/local/share/ca-certificates", "tokentap-*"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void CurrentUser_scope_on_linux_is_refused_with_an_explanation()
    {
        var result = module.Run("Install-TokentapCertificate -Scope CurrentUser -Confirm:$false");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("TrustStoreChangeFailed,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-Scope LocalMachine", error.Exception.Message, StringComparison.Ordinal);
    }

    private static int OpenSslVerify(string caPath) =>
        ChildProcess.Run("openssl", new[] { "verify", "-CAfile", SystemBundle, caPath }).ExitCode;

    private static bool IsRoot() => ChildProcess.Run("id", new[] { "-u" }).Stdout.Trim() == "0";
}
