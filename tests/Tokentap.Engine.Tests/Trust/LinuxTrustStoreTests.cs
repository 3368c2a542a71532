// Tests for trusting the CA through a Linux distribution's anchor folder and update tool.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tokentap.Engine.Trust;

namespace Tokentap.Engine.Tests.Trust;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LinuxTrustStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tt-trust-").FullName;
    private readonly RecordingRunner _runner = new();
    private readonly X509Certificate2 _ca = CreateCa();
    private readonly string _pem;

    public LinuxTrustStoreTests()
    {
        _pem = Path.Combine(_root, "ca.pem");
        File.WriteAllText(_pem, _ca.ExportCertificatePem());
        Directory.CreateDirectory(Links);
    }

    private LinuxTrustLayout Layout => LinuxTrustLayout.Debian with { AnchorDirectory = Path.Combine(_root, "anchors"), LinkDirectory = Links };

    private string Links => Path.Combine(_root, "certs");

    [Fact]
    public void Install_as_root_writes_a_world_readable_anchor_and_runs_the_update_tool_once()
    {
        var store = new LinuxTrustStore(Layout, _runner, () => true);

        var result = store.Install(_ca, _pem, CertificateStoreScope.LocalMachine);

        Assert.Equal(CertificateTrustAction.Installed, result.Action);
        Assert.Equal(store.AnchorPath(_ca), result.Location);
        Assert.EndsWith(".crt", result.Location, StringComparison.Ordinal);
        Assert.Equal(_ca.Thumbprint, X509Certificate2.CreateFromPem(File.ReadAllText(result.Location)).Thumbprint);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(result.Location));
        Assert.Equal(new[] { "update-ca-certificates" }, _runner.Commands);
        Assert.Equal(new[] { "update-ca-certificates" }, result.Commands);
    }

    [Fact]
    public void Install_twice_is_idempotent_and_runs_nothing_the_second_time()
    {
        var store = new LinuxTrustStore(Layout, _runner, () => true);
        store.Install(_ca, _pem, CertificateStoreScope.LocalMachine);

        var again = store.Install(_ca, _pem, CertificateStoreScope.LocalMachine);

        Assert.Equal(CertificateTrustAction.AlreadyInstalled, again.Action);
        Assert.Single(_runner.Commands);
    }

    [Fact]
    public void Already_installed_is_reported_without_root()
    {
        new LinuxTrustStore(Layout, _runner, () => true).Install(_ca, _pem, CertificateStoreScope.LocalMachine);

        var result = new LinuxTrustStore(Layout, _runner, () => false).Install(_ca, _pem, CertificateStoreScope.LocalMachine);

        Assert.Equal(CertificateTrustAction.AlreadyInstalled, result.Action);
    }

    [Fact]
    public void Install_without_root_names_the_commands_to_run_and_changes_nothing()
    {
        var store = new LinuxTrustStore(Layout, _runner, () => false);

        var error = Assert.Throws<TrustStoreException>(() => store.Install(_ca, _pem, CertificateStoreScope.LocalMachine));

        Assert.True(error.NeedsElevation);
        Assert.Contains($"sudo install -m 0644 '{_pem}' '{store.AnchorPath(_ca)}' && sudo update-ca-certificates", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(store.AnchorPath(_ca)));
        Assert.Empty(_runner.Commands);
    }

    [Fact]
    public void Uninstall_removes_the_anchor_and_updates_then_reports_not_installed()
    {
        var store = new LinuxTrustStore(Layout, _runner, () => true);
        store.Install(_ca, _pem, CertificateStoreScope.LocalMachine);

        var removed = store.Uninstall(_ca, _pem, CertificateStoreScope.LocalMachine);
        var again = store.Uninstall(_ca, _pem, CertificateStoreScope.LocalMachine);

        Assert.Equal(CertificateTrustAction.Removed, removed.Action);
        Assert.False(File.Exists(removed.Location));
        Assert.Equal(CertificateTrustAction.NotInstalled, again.Action);
        Assert.Equal(new[] { "update-ca-certificates", "update-ca-certificates" }, _runner.Commands);
    }

    [Fact]
    public void Uninstall_without_root_names_the_commands_to_run()
    {
        new LinuxTrustStore(Layout, _runner, () => true).Install(_ca, _pem, CertificateStoreScope.LocalMachine);
        var store = new LinuxTrustStore(Layout, _runner, () => false);

        var error = Assert.Throws<TrustStoreException>(() => store.Uninstall(_ca, _pem, CertificateStoreScope.LocalMachine));

        Assert.Contains($"sudo rm '{store.AnchorPath(_ca)}' && sudo update-ca-certificates", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(store.AnchorPath(_ca)));
    }

    [Fact]
    public void Uninstall_removes_the_links_the_update_tool_made_and_leaves_every_other_link()
    {
        var store = new LinuxTrustStore(Layout, _runner, () => true);
        var anchor = store.Install(_ca, _pem, CertificateStoreScope.LocalMachine).Location;
        var (pemLink, hashLink) = LinkLikeUpdateCaCertificates(anchor, "5a96ac6d.0");
        var other = Path.Combine(_root, "other.crt");
        File.WriteAllText(other, "other");
        File.CreateSymbolicLink(Path.Combine(Links, "other.pem"), other);
        File.CreateSymbolicLink(Path.Combine(Links, "1a2b3c4d.0"), "other.pem");
        File.CreateSymbolicLink(Path.Combine(Links, "someone-elses-dangling.pem"), Path.Combine(_root, "gone.crt"));

        Assert.Equal(new[] { hashLink, pemLink }, store.LinksTo(anchor).Order(StringComparer.Ordinal));
        var removed = store.Uninstall(_ca, _pem, CertificateStoreScope.LocalMachine);

        Assert.Equal(CertificateTrustAction.Removed, removed.Action);
        Assert.False(File.Exists(anchor));
        Assert.Equal(
            new[] { "1a2b3c4d.0", "other.pem", "someone-elses-dangling.pem" },
            Directory.EnumerateFileSystemEntries(Links).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(store.LinksTo(anchor));
    }

    [Fact]
    public void Uninstall_clears_links_an_earlier_uninstall_left_dangling()
    {
        var store = new LinuxTrustStore(Layout, _runner, () => true);
        var anchor = store.Install(_ca, _pem, CertificateStoreScope.LocalMachine).Location;
        LinkLikeUpdateCaCertificates(anchor, "5a96ac6d.0");
        // What the earlier version did: the anchor went, the update tool ran, and both links stayed, dangling.
        File.Delete(anchor);
        var stale = Path.Combine(Layout.AnchorDirectory, "tokentap-0123456789abcdef.crt");
        File.CreateSymbolicLink(Path.Combine(Links, "tokentap-0123456789abcdef.pem"), stale);
        File.CreateSymbolicLink(Path.Combine(Links, "0badcafe.0"), "tokentap-0123456789abcdef.pem");

        var removed = store.Uninstall(_ca, _pem, CertificateStoreScope.LocalMachine);
        var again = store.Uninstall(_ca, _pem, CertificateStoreScope.LocalMachine);

        Assert.Equal(CertificateTrustAction.Removed, removed.Action);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Links));
        Assert.Equal(CertificateTrustAction.NotInstalled, again.Action);
    }

    [Fact]
    public void Links_of_another_Tokentap_CA_that_is_still_trusted_stay()
    {
        var store = new LinuxTrustStore(Layout, _runner, () => true);
        var anchor = store.Install(_ca, _pem, CertificateStoreScope.LocalMachine).Location;
        LinkLikeUpdateCaCertificates(anchor, "5a96ac6d.0");
        var otherAnchor = Path.Combine(Layout.AnchorDirectory, "tokentap-0123456789abcdef.crt");
        File.WriteAllText(otherAnchor, "another home's CA");
        LinkLikeUpdateCaCertificates(otherAnchor, "0badcafe.0");

        store.Uninstall(_ca, _pem, CertificateStoreScope.LocalMachine);

        Assert.Equal(
            new[] { "0badcafe.0", "tokentap-0123456789abcdef.pem" },
            Directory.EnumerateFileSystemEntries(Links).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Uninstall_without_root_names_the_links_to_remove_too()
    {
        var anchor = new LinuxTrustStore(Layout, _runner, () => true).Install(_ca, _pem, CertificateStoreScope.LocalMachine).Location;
        var (pemLink, hashLink) = LinkLikeUpdateCaCertificates(anchor, "5a96ac6d.0");
        var store = new LinuxTrustStore(Layout, _runner, () => false);

        var error = Assert.Throws<TrustStoreException>(() => store.Uninstall(_ca, _pem, CertificateStoreScope.LocalMachine));

        Assert.EndsWith($"sudo rm '{anchor}' && sudo update-ca-certificates && sudo rm -f '{hashLink}' '{pemLink}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(Links).Count());
    }

    [Fact]
    public void A_failing_update_tool_undoes_the_install_and_says_why()
    {
        _runner.ExitCode = 3;
        var store = new LinuxTrustStore(Layout, _runner, () => true);

        var error = Assert.Throws<TrustStoreException>(() => store.Install(_ca, _pem, CertificateStoreScope.LocalMachine));

        Assert.Contains("update-ca-certificates failed with exit code 3: simulated output", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(store.AnchorPath(_ca)));
    }

    [Fact]
    public void CurrentUser_scope_is_refused_with_an_explanation()
    {
        var store = new LinuxTrustStore(Layout, _runner, () => true);

        var error = Assert.Throws<TrustStoreException>(() => store.Install(_ca, _pem, CertificateStoreScope.CurrentUser));

        Assert.Contains("-Scope LocalMachine", error.Message, StringComparison.Ordinal);
        Assert.Equal(CertificateStoreScope.LocalMachine, store.DefaultScope);
    }

    [Fact]
    public void Layout_detection_picks_the_family_whose_tool_and_folder_exist()
    {
        var redHat = LinuxTrustLayout.Detect(d => d == "/etc/pki/ca-trust/source", c => c == "update-ca-trust");
        var debian = LinuxTrustLayout.Detect(d => d == "/usr/local/share", c => c == "update-ca-certificates");

        Assert.Same(LinuxTrustLayout.RedHat, redHat);
        Assert.Same(LinuxTrustLayout.Debian, debian);
        Assert.Throws<TrustStoreException>(() => LinuxTrustLayout.Detect(_ => false, _ => false));
    }

    [Fact]
    public void IsRoot_matches_the_effective_user()
    {
        var id = new System.Diagnostics.ProcessStartInfo("id", "-u") { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(id)!;
        var uid = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();

        Assert.Equal(uid == "0", LinuxTrustStore.IsRoot());
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>The two links Debian's update-ca-certificates makes for a new anchor: NAME.pem to it, HASH.0 to that.</summary>
    private (string PemLink, string HashLink) LinkLikeUpdateCaCertificates(string anchor, string hashName)
    {
        var pemName = Path.GetFileNameWithoutExtension(anchor) + ".pem";
        var pemLink = Path.Combine(Links, pemName);
        var hashLink = Path.Combine(Links, hashName);
        File.CreateSymbolicLink(pemLink, anchor);
        File.CreateSymbolicLink(hashLink, pemName);
        return (pemLink, hashLink);
    }

    private static X509Certificate2 CreateCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Tokentap Trust Test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private sealed class RecordingRunner : ICommandRunner
    {
        public List<string> Commands { get; } = new();

        public int ExitCode { get; set; }

        public CommandResult Run(string fileName, IReadOnlyList<string> arguments)
        {
            Commands.Add(string.Join(' ', new[] { fileName }.Concat(arguments)));
            return new CommandResult(ExitCode, ExitCode == 0 ? "" : "simulated output");
        }
    }
}
