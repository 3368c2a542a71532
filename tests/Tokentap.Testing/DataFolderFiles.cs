// Every file under a data folder as the bytes a reader would see: gzip files (captured content) decompressed.
using System.IO.Compression;

namespace Tokentap.Testing;

/// <summary>For tests that search the whole $TOKENTAP_HOME for text that must not be there.</summary>
public static class DataFolderFiles
{
    /// <summary>Each file below <paramref name="folder"/> with its bytes, a .gz file's decompressed.</summary>
    public static IEnumerable<(string Path, byte[] Bytes)> Read(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            if (file.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var zip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                zip.CopyTo(plain);
                bytes = plain.ToArray();
            }

            yield return (file, bytes);
        }
    }
}
