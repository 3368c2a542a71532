// Uninstall-TokentapCertificate on this Debian machine leaves no anchor, link or bundle entry of the CA behind.
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class TrustStoreCleanupTests(ModuleFixture module)
{
    private const string AnchorFolder = "/usr/local/share/ca-certificates";
    private const string LinkFolder = "/etc/ssl/certs";
    private const string SystemBundle = "/etc/ssl/certs/ca-certificates.crt";

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Uninstall_removes_the_anchor_its_pem_link_and_hash_links_and_the_bundle_no_longer_holds_it()
    {
        Assert.True(ChildProcess.Run("id", new[] { "-u" }).Stdout.Trim() == "0", "Changing the system trust store needs root (CI runs as root).");
        var installed = module.Run("Install-TokentapCertificate -Confirm:$false").Single<CertificateTrustResult>();
        var anchor = installed.Location!;
        // The first line of the certificate's base64 body: what the system bundle holds when it trusts the CA.
        var body = File.ReadAllText(anchor).ReplaceLineEndings("\n").Split('\n')[1];
        var baseName = Path.GetFileNameWithoutExtension(anchor);
        try
        {
            // What update-ca-certificates made: NAME.pem to the anchor, and OpenSSL's HASH.0 to NAME.pem.
            var pemLink = Path.Combine(LinkFolder, baseName + ".pem");
            Assert.Equal(anchor, new FileInfo(pemLink).LinkTarget);
            Assert.Contains(pemLink, Ours(baseName));
            Assert.Contains(body, File.ReadAllText(SystemBundle), StringComparison.Ordinal);
        }
        finally
        {
            var removed = module.Run("Uninstall-TokentapCertificate -Confirm:$false").Single<CertificateTrustResult>();
            Assert.Equal(CertificateTrustAction.Removed, removed.Action);
        }

        Assert.Empty(Ours(baseName));
        Assert.Empty(Directory.GetFiles(AnchorFolder, baseName + "*"));
        Assert.DoesNotContain(body, File.ReadAllText(SystemBundle), StringComparison.Ordinal);
    }

    /// <summary>Entries of /etc/ssl/certs named for the anchor or linking to something named for it.</summary>
    private static List<string> Ours(string baseName) =>
        new DirectoryInfo(LinkFolder).EnumerateFileSystemInfos()
            .Where(e => e.Name.StartsWith(baseName, StringComparison.Ordinal) ||
                (e.LinkTarget is { } target && Path.GetFileName(target).StartsWith(baseName, StringComparison.Ordinal)))
            .Select(e => e.FullName)
            .ToList();
}
