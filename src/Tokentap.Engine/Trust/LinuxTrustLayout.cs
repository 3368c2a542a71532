// Where a Linux distribution keeps extra trust anchors and which command rebuilds its bundle.
namespace Tokentap.Engine.Trust;

/// <summary>
/// A distribution family's anchor folder, the file extension it expects and its update command; and, where the update
/// tool links each anchor into a folder but leaves the links when the anchor is removed (Debian's
/// update-ca-certificates), that folder.
/// </summary>
public sealed record LinuxTrustLayout(string Family, string AnchorDirectory, string FileExtension, string UpdateCommand, IReadOnlyList<string> UpdateArguments, string? LinkDirectory = null)
{
    public static readonly LinuxTrustLayout Debian = new("Debian/Ubuntu", "/usr/local/share/ca-certificates", ".crt", "update-ca-certificates", Array.Empty<string>(), "/etc/ssl/certs");
    public static readonly LinuxTrustLayout RedHat = new("Fedora/RHEL", "/etc/pki/ca-trust/source/anchors", ".pem", "update-ca-trust", new[] { "extract" });
    public static readonly LinuxTrustLayout Arch = new("Arch", "/etc/ca-certificates/trust-source/anchors", ".crt", "update-ca-trust", Array.Empty<string>());
    public static readonly LinuxTrustLayout Suse = new("openSUSE/SLES", "/etc/pki/trust/anchors", ".pem", "update-ca-certificates", Array.Empty<string>());

    private static readonly LinuxTrustLayout[] Known = { Debian, RedHat, Arch, Suse };

    /// <summary>The layout of this machine: the first family whose anchor folder's parent and update tool exist.</summary>
    public static LinuxTrustLayout Detect(Func<string, bool>? directoryExists = null, Func<string, bool>? commandExists = null)
    {
        directoryExists ??= Directory.Exists;
        commandExists ??= CommandExistsOnPath;
        foreach (var layout in Known)
        {
            var parent = Path.GetDirectoryName(layout.AnchorDirectory)!;
            if (directoryExists(parent) && commandExists(layout.UpdateCommand))
            {
                return layout;
            }
        }

        throw new TrustStoreException(
            "No known system trust store found (looked for update-ca-certificates with /usr/local/share/ca-certificates, " +
            "update-ca-trust with /etc/pki/ca-trust/source/anchors, and /etc/ca-certificates/trust-source/anchors). " +
            "Add the Tokentap CA to your distribution's trust anchors by hand, or rely on the session variables Start-Tokentap sets.");
    }

    private static bool CommandExistsOnPath(string command)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(new[] { "/usr/sbin", "/sbin", "/usr/bin" });
        return directories.Any(d => File.Exists(Path.Combine(d, command)));
    }
}
