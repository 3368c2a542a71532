// The checkpoints of every imported log file, kept in one JSON file in the Tokentap home and replaced atomically.
using System.Text.Json;

namespace Tokentap.Engine.History;

/// <summary>
/// history-checkpoints.json in the Tokentap home: file path to <see cref="LogCheckpoint"/>. Saved through a temporary
/// file and a rename, so a stop at any moment leaves the previous or the new version, never a torn one. A damaged file
/// is read as empty (everything is read again; the events' ids keep that from counting twice).
/// </summary>
public sealed class LogCheckpointStore
{
    public const string FileName = "history-checkpoints.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };
    private readonly Dictionary<string, LogCheckpoint> _checkpoints;

    private LogCheckpointStore(string path, Dictionary<string, LogCheckpoint> checkpoints)
    {
        FilePath = path;
        _checkpoints = checkpoints;
    }

    /// <summary>The JSON file.</summary>
    public string FilePath { get; }

    /// <summary>Reads the checkpoints of a Tokentap home (none when the file is missing or unreadable).</summary>
    public static LogCheckpointStore Load(string home)
    {
        var path = Path.Combine(home, FileName);
        Dictionary<string, LogCheckpoint>? checkpoints = null;
        try
        {
            if (File.Exists(path))
            {
                checkpoints = JsonSerializer.Deserialize<Dictionary<string, LogCheckpoint>>(File.ReadAllBytes(path), Options);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            checkpoints = null;
        }

        return new LogCheckpointStore(path, checkpoints is null ? new(StringComparer.Ordinal) : new(checkpoints, StringComparer.Ordinal));
    }

    /// <summary>The checkpoint of a file, or null.</summary>
    public LogCheckpoint? Get(string file) => _checkpoints.GetValueOrDefault(file);

    /// <summary>Records a file's checkpoint (in memory; <see cref="Save"/> writes them).</summary>
    public void Set(string file, LogCheckpoint checkpoint) => _checkpoints[file] = checkpoint;

    /// <summary>Writes all checkpoints, owner-only, atomically (a temporary file renamed over the real one).</summary>
    public void Save()
    {
        OwnerOnlyFile.EnsureDirectory(Path.GetDirectoryName(FilePath)!);
        OwnerOnlyFile.WriteSecret(FilePath, JsonSerializer.Serialize(_checkpoints, Options));
    }
}
