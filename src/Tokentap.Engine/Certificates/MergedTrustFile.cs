// Writes a user's own CA file plus the Tokentap CA as one PEM file, so a session keeps the trust the user had.
using System.Globalization;

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
    /// Writes <paramref name="userFile"/> with <paramref name="caPem"/> appended, owner-only, under
    /// <paramref name="caDirectory"/>, and returns the merged file's path. The name derives from the source path, the
    /// source's length and last write time, and the CA, so shells merging the same file share one result and never
    /// overwrite each other's with something else, and a start that finds the result already made reads neither file
    /// (a system bundle is about 200 KB, and reading, normalizing and hashing it took a new shell 30 to 45 ms).
    /// </summary>
    /// <exception cref="IOException">The user's file cannot be read or holds no PEM certificate, or the merged file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The user's file or the CA folder is not accessible.</exception>
    public static string Write(string caDirectory, string userFile, string caPem)
    {
        var source = Path.GetFullPath(userFile);
        var info = new FileInfo(source);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"Could not find file '{source}'.", source);
        }

        var path = Path.Combine(caDirectory, FilePrefix + Name(source, info.Length, info.LastWriteTimeUtc.Ticks, caPem) + ".pem");
        if (File.Exists(path))
        {
            return path;
        }

        var userText = File.ReadAllText(source);
        if (!userText.Contains(PemCertificateHeader, StringComparison.Ordinal))
        {
            throw new IOException($"'{source}' holds no PEM certificate ({PemCertificateHeader}).");
        }

        var merged = userText.ReplaceLineEndings("\n").TrimEnd('\n') + "\n" + caPem.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
        OwnerOnlyFile.EnsureDirectory(caDirectory);
        OwnerOnlyFile.WriteSecret(path, merged);
        return path;
    }

    // 64-bit FNV-1a of the source path, its length and write time, and the CA: a cache key, not a security boundary (the
    // folder is the owner's alone), and no hash from the crypto library, whose first use costs a new shell 15 to 20 ms.
    private static string Name(string source, long length, long lastWriteTicks, string caPem)
    {
        var hash = 14695981039346656037UL;
        foreach (var character in FormattableString.Invariant($"{source}\0{length}\0{lastWriteTicks}\0{caPem}"))
        {
            hash = (hash ^ character) * 1099511628211UL;
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
