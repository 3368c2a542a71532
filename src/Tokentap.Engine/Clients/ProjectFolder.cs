// The project a working directory belongs to: its git root, else the directory itself.
namespace Tokentap.Engine.Clients;

/// <summary>Maps a working directory to the folder events are attributed to.</summary>
internal static class ProjectFolder
{
    /// <summary>
    /// The nearest folder at or above <paramref name="directory"/> that holds .git (a folder in a clone, a file in a
    /// worktree or submodule), else <paramref name="directory"/> itself.
    /// </summary>
    /// <param name="directory">An absolute, existing directory path.</param>
    public static string Of(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        for (var folder = directory; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            var git = Path.Combine(folder, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return folder;
            }
        }

        return directory;
    }
}
