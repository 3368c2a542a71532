// The persisted export position: the store position up to which every event was exported ($TOKENTAP_HOME/export.position).
using System.Globalization;

namespace Tokentap.Engine.Export;

/// <summary>Reads and writes the position; a missing or unreadable file is position 0 (everything is sent).</summary>
public static class ExportPosition
{
    public const string FileName = "export.position";

    public static string PathIn(TokentapPaths paths) => Path.Combine(paths.Home, FileName);

    public static long Load(TokentapPaths paths)
    {
        try
        {
            var path = PathIn(paths);
            return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                ? position
                : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Writes the position whole and owner-only, like every file of the data folder.</summary>
    public static void Save(TokentapPaths paths, long position) =>
        OwnerOnlyFile.WriteSecret(PathIn(paths), position.ToString(CultureInfo.InvariantCulture));
}
