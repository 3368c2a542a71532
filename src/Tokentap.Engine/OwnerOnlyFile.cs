// Writes files that only the current user may read: mode 0600 on Unix, an owner-only ACL on Windows.
using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace Tokentap.Engine;

/// <summary>Atomic writes (temp file, then rename) with permissions set before any secret is written.</summary>
internal static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = OwnerReadWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (mode 0700 on Unix, owner-only ACL on Windows) when it does not exist.</summary>
    public static void EnsureDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            RestrictDirectoryToOwner(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerAll);
        }
    }

    /// <summary>
    /// Takes access away from everyone but the owner on an existing file (0600) or folder (0700) on Unix, as an
    /// install made by an earlier version may have left them readable. Does nothing on Windows, where the data folder
    /// lives in the user's profile, and when the path is gone or belongs to someone else (then it cannot be ours to use).
    /// </summary>
    public static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            var mode = Directory.Exists(path) ? OwnerAll : OwnerReadWrite;
            if (File.Exists(path) || Directory.Exists(path))
            {
                if ((File.GetUnixFileMode(path) & ~mode) != 0)
                {
                    File.SetUnixFileMode(path, File.GetUnixFileMode(path) & mode);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Deleted meanwhile or owned by another user: nothing to tighten here.
        }
    }

    /// <summary>Writes the text so that only the owner can read it, replacing any existing file atomically.</summary>
    public static void WriteSecret(string path, string text) => Write(path, text, ownerOnly: true);

    /// <summary>Writes a public file (default permissions), replacing any existing file atomically.</summary>
    public static void WritePublic(string path, string text) => Write(path, text, ownerOnly: false);

    private static void Write(string path, string text, bool ownerOnly)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerReadWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                if (ownerOnly && OperatingSystem.IsWindows())
                {
                    RestrictFileToOwner(stream);
                }

                using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                writer.Write(text);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    [SupportedOSPlatform("windows")]
    private static void RestrictFileToOwner(FileStream stream)
    {
        var security = new FileSecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        security.AddAccessRule(new FileSystemAccessRule(CurrentUser(), FileSystemRights.FullControl, AccessControlType.Allow));
        stream.SetAccessControl(security);
    }

    [SupportedOSPlatform("windows")]
    private static void RestrictDirectoryToOwner(string path)
    {
        var security = new DirectorySecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        security.AddAccessRule(new FileSystemAccessRule(
            CurrentUser(),
            FileSystemRights.FullControl,
            InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit,
            PropagationFlags.None,
            AccessControlType.Allow));
        new DirectoryInfo(path).SetAccessControl(security);
    }

    [SupportedOSPlatform("windows")]
    private static SecurityIdentifier CurrentUser()
    {
        using var identity = WindowsIdentity.GetCurrent();
        return identity.User ?? throw new InvalidOperationException("The current Windows user has no security identifier.");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The temp file is left behind only when the folder itself is failing; the original error is what matters.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
