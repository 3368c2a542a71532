// Trusts the Tokentap CA system-wide on Linux through the distribution's anchor folder and update tool.
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;

namespace Tokentap.Engine.Trust;

/// <summary>
/// Linux keeps one system trust store (there is no per-user one that OpenSSL, curl, Node and Python all read):
/// the certificate goes into the distribution's anchor folder and its update tool rebuilds the system bundle.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LinuxTrustStore : ISystemTrustStore
{
    private const string AnchorPrefix = "tokentap-";

    private readonly LinuxTrustLayout _layout;
    private readonly ICommandRunner _runner;
    private readonly Func<bool> _isRoot;

    public LinuxTrustStore(LinuxTrustLayout layout, ICommandRunner runner, Func<bool> isRoot)
    {
        _layout = layout;
        _runner = runner;
        _isRoot = isRoot;
    }

    public CertificateStoreScope DefaultScope => CertificateStoreScope.LocalMachine;

    /// <summary>The anchor file this store writes for the certificate.</summary>
    public string AnchorPath(X509Certificate2 certificate) =>
        Path.Combine(_layout.AnchorDirectory, AnchorPrefix + certificate.Thumbprint.ToLowerInvariant()[..16] + _layout.FileExtension);

    public CertificateTrustResult Install(X509Certificate2 certificate, string pemPath, CertificateStoreScope scope)
    {
        RequireMachineScope(scope);
        var anchor = AnchorPath(certificate);
        if (HoldsCertificate(anchor, certificate))
        {
            return Result(CertificateTrustAction.AlreadyInstalled, anchor, certificate);
        }

        var update = UpdateCommandText();
        if (!_isRoot())
        {
            throw new TrustStoreException(
                $"Trusting the Tokentap CA system-wide on {_layout.Family} needs root. Run:{Environment.NewLine}" +
                $"  sudo install -m 0644 '{pemPath}' '{anchor}' && sudo {update}{Environment.NewLine}" +
                "Most tools do not need this: the variables Start-Tokentap sets already make them trust the CA.",
                needsElevation: true);
        }

        Directory.CreateDirectory(_layout.AnchorDirectory);
        File.WriteAllText(anchor, certificate.ExportCertificatePem() + "\n");
        File.SetUnixFileMode(anchor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        RunUpdate(() => File.Delete(anchor));
        return Result(CertificateTrustAction.Installed, anchor, certificate, update);
    }

    public CertificateTrustResult Uninstall(X509Certificate2 certificate, string pemPath, CertificateStoreScope scope)
    {
        RequireMachineScope(scope);
        var anchor = AnchorPath(certificate);
        var links = LinksTo(anchor);
        if (!File.Exists(anchor) && links.Count == 0)
        {
            return Result(CertificateTrustAction.NotInstalled, anchor, certificate);
        }

        var update = UpdateCommandText();
        if (!_isRoot())
        {
            var commands = new List<string>();
            if (File.Exists(anchor))
            {
                commands.Add($"sudo rm '{anchor}'");
                commands.Add($"sudo {update}");
            }

            if (links.Count > 0)
            {
                commands.Add("sudo rm -f " + string.Join(' ', links.Select(l => $"'{l}'")));
            }

            throw new TrustStoreException(
                $"Removing the Tokentap CA from the system trust store on {_layout.Family} needs root. Run:{Environment.NewLine}" +
                $"  {string.Join(" && ", commands)}",
                needsElevation: true);
        }

        File.Delete(anchor);
        RemoveDanglingLinks();
        RunUpdate(undo: null);
        return Result(CertificateTrustAction.Removed, anchor, certificate, update);
    }

    /// <summary>
    /// The links the update tool made for <paramref name="anchor"/> in the layout's link folder: the one to the anchor
    /// (Debian: tokentap-....pem) and the OpenSSL hash links to that one (e.g. 5a96ac6d.0), in name order. Dangling
    /// links count too.
    /// </summary>
    public IReadOnlyList<string> LinksTo(string anchor)
    {
        var links = new List<string>();
        if (_layout.LinkDirectory is not { } folder || !Directory.Exists(folder))
        {
            return links;
        }

        var symlinks = Symlinks(folder);
        var direct = symlinks.Where(l => l.Target == anchor).Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
        links.AddRange(symlinks.Where(l => direct.Contains(l.Path) || direct.Contains(l.Target)).Select(l => l.Path).Order(StringComparer.Ordinal));
        return links;
    }

    /// <summary>
    /// Removes every dangling link in the link folder that leads to a Tokentap anchor (ours, just deleted, or one an
    /// earlier uninstall left behind), directly or through another Tokentap link. Links that still resolve are left:
    /// another Tokentap CA may be trusted on purpose.
    /// </summary>
    private void RemoveDanglingLinks()
    {
        if (_layout.LinkDirectory is not { } folder || !Directory.Exists(folder))
        {
            return;
        }

        foreach (var (path, target) in Symlinks(folder))
        {
            if (IsTokentapName(target) && !Resolves(path))
            {
                File.Delete(path);
            }
        }
    }

    // File.Exists is true for a dangling link itself; the final target decides (a loop of links resolves to nothing).
    private static bool Resolves(string link)
    {
        try
        {
            return new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true) is { Exists: true };
        }
        catch (IOException)
        {
            return false;
        }
    }

    private bool IsTokentapName(string target)
    {
        var name = Path.GetFileName(target);
        var directory = Path.GetDirectoryName(target);
        return name.StartsWith(AnchorPrefix, StringComparison.Ordinal) &&
            ((directory == _layout.AnchorDirectory && name.EndsWith(_layout.FileExtension, StringComparison.Ordinal)) ||
             (directory == _layout.LinkDirectory && name.EndsWith(".pem", StringComparison.Ordinal)));
    }

    /// <summary>The symbolic links in a folder with their targets as full paths (relative targets resolved against it).</summary>
    private static List<(string Path, string Target)> Symlinks(string folder)
    {
        var result = new List<(string, string)>();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is { } target)
            {
                result.Add((entry.FullName, Path.GetFullPath(target, folder)));
            }
        }

        return result;
    }

    /// <summary>True when the effective user is root.</summary>
    public static bool IsRoot() => geteuid() == 0;

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint geteuid();

    private static bool HoldsCertificate(string anchor, X509Certificate2 certificate)
    {
        if (!File.Exists(anchor))
        {
            return false;
        }

        try
        {
            using var existing = X509Certificate2.CreateFromPem(File.ReadAllText(anchor));
            return existing.Thumbprint == certificate.Thumbprint;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private void RequireMachineScope(CertificateStoreScope scope)
    {
        if (scope != CertificateStoreScope.LocalMachine)
        {
            throw new TrustStoreException(
                "Linux has no per-user certificate trust store that all tools read. Use -Scope LocalMachine (needs root), " +
                "or rely on the variables Start-Tokentap sets for the session (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, CURL_CA_BUNDLE, ...).");
        }
    }

    private string UpdateCommandText() =>
        string.Join(' ', new[] { _layout.UpdateCommand }.Concat(_layout.UpdateArguments));

    private void RunUpdate(Action? undo)
    {
        var result = _runner.Run(_layout.UpdateCommand, _layout.UpdateArguments);
        if (result.ExitCode != 0)
        {
            undo?.Invoke();
            throw new TrustStoreException($"{UpdateCommandText()} failed with exit code {result.ExitCode}: {result.Output}");
        }
    }

    private static CertificateTrustResult Result(CertificateTrustAction action, string location, X509Certificate2 certificate, params string[] commands) =>
        new()
        {
            Action = action,
            Scope = CertificateStoreScope.LocalMachine,
            Location = location,
            Thumbprint = certificate.Thumbprint,
            Commands = commands,
        };
}
