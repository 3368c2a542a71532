// Writes a user's own CA file plus the Tokentap CA as one PEM file, so a session keeps the trust the user had.
using System.Security.Cryptography;
using System.Text;

namespace Tokentap.Engine.Certificates;

/// <summary>
/// Merged trust files in the CA folder: the user's certificates (a full bundle for SSL_CERT_FILE-style variables, extra
/// certificates for NODE_EXTRA_CA_CERTS) followed by the Tokentap CA.
/// </summary>
internal static class MergedTrustFile
{
    /// <summary>The file name prefix of merged files in the CA folder.</summary>
    public const string FilePrefix = "merged-";

    private const string PemCertificateHeader = "-----BEGIN CERTIFICATE-----";

    /// <summary>
    /// Reads <paramref name="userFile"/> and writes it with <paramref name="caPem"/> appended, owner-only, under
    /// <paramref name="caDirectory"/>. The name derives from the source path and both contents, so shells merging the
    /// same file share one result and never overwrite each other's with something else. Returns the merged file's path.
    /// </summary>
    /// <exception cref="IOException">The user's file cannot be read or holds no PEM certificate, or the merged file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The user's file or the CA folder is not accessible.</exception>
    public static string Write(string caDirectory, string userFile, string caPem)
    {
        var source = Path.GetFullPath(userFile);
        var userText = File.ReadAllText(source);
        if (!userText.Contains(PemCertificateHeader, StringComparison.Ordinal))
        {
            throw new IOException($"'{source}' holds no PEM certificate ({PemCertificateHeader}).");
        }

        var merged = userText.ReplaceLineEndings("\n").TrimEnd('\n') + "\n" + caPem.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
        var path = Path.Combine(caDirectory, FilePrefix + Name(source, merged) + ".pem");
        if (File.Exists(path) && string.Equals(File.ReadAllText(path), merged, StringComparison.Ordinal))
        {
            return path;
        }

        OwnerOnlyFile.EnsureDirectory(caDirectory);
        OwnerOnlyFile.WriteSecret(path, merged);
        return path;
    }

    private static string Name(string source, string merged)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(source + "\0" + merged));
        return Convert.ToHexString(hash.AsSpan(0, 8)).ToLowerInvariant();
    }
}
