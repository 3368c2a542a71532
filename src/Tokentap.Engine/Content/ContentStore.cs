// The content files of a data folder: content/<event id>.json.gz, owner-only, within a size cap and a retention.
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tokentap.Engine.Content;

/// <summary>
/// One gzip-compressed JSON file per usage event in <c>$TOKENTAP_HOME/content</c> (folder 0700, files 0600, written to
/// a temp file and renamed), so the usage database stays small and several processes can write without a lock. The
/// oldest files go first when the total passes the cap; files older than the retention go at every enforcement.
/// </summary>
internal sealed class ContentStore
{
    private const string Extension = ".json.gz";

    // The request JSON is a string in the record: escaped minimally (\" rather than \u0022), it is a third smaller to
    // compress. The file is never served as it is; what reads it parses it.
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ContentStore(string directory) => Directory = directory;

    public string Directory { get; }

    public static ContentStore In(TokentapPaths paths) => new(Path.Combine(paths.Home, "content"));

    public string PathOf(Guid id) => Path.Combine(Directory, id.ToString("N") + Extension);

    /// <summary>Writes one record (replacing an older one for the same event); returns the file's size.</summary>
    public long Write(ContentRecord record)
    {
        OwnerOnlyFile.EnsureDirectory(Directory);
        var path = PathOf(record.Id);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var file = new FileStream(temp, options))
            using (var zip = new GZipStream(file, CompressionLevel.Fastest))
            {
                JsonSerializer.Serialize(zip, record, WriteOptions);
            }

            File.Move(temp, path, overwrite: true);
            return new FileInfo(path).Length;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The record of an event, or null when none was captured (or it was removed).</summary>
    public ContentRecord? Read(Guid id)
    {
        try
        {
            using var file = File.OpenRead(PathOf(id));
            using var zip = new GZipStream(file, CompressionMode.Decompress);
            return JsonSerializer.Deserialize<ContentRecord>(zip);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The ids of the events that have a record, from the file names alone (no file is opened).</summary>
    public HashSet<Guid> Ids()
    {
        var ids = new HashSet<Guid>();
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
            {
                if (Guid.TryParseExact(Path.GetFileName(path)[..^Extension.Length], "N", out var id))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    /// <summary>Whether an event has a record (one file check).</summary>
    public bool Has(Guid id) => File.Exists(PathOf(id));

    /// <summary>Removes the records of these events; returns how many existed.</summary>
    public int Remove(IEnumerable<Guid> ids)
    {
        var removed = 0;
        foreach (var id in ids)
        {
            var path = PathOf(id);
            if (File.Exists(path))
            {
                File.Delete(path);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>The records kept now and their total size on disk.</summary>
    public (int Records, long Bytes) Measure()
    {
        var files = Files();
        return (files.Count, files.Sum(f => f.Length));
    }

    /// <summary>Removes records older than the retention, then the oldest ones until the total is within the cap.</summary>
    public int Enforce(long maxBytes, int retentionDays, DateTime nowUtc)
    {
        var removed = 0;
        var files = Files().OrderBy(f => f.LastWriteTimeUtc).ToList();
        var total = files.Sum(f => f.Length);
        foreach (var file in files)
        {
            var expired = retentionDays > 0 && file.LastWriteTimeUtc < nowUtc.AddDays(-retentionDays);
            if (!expired && total <= maxBytes)
            {
                break;
            }

            // Read before the delete: FileInfo refreshes after Delete, and Length of a deleted file throws.
            var length = file.Length;
            try
            {
                file.Delete();
                removed++;
            }
            catch (IOException)
            {
                // Removed by another process meanwhile.
            }

            total -= length;
        }

        return removed;
    }

    private List<FileInfo> Files()
    {
        var directory = new DirectoryInfo(Directory);
        return directory.Exists ? directory.EnumerateFiles("*" + Extension).ToList() : [];
    }
}
