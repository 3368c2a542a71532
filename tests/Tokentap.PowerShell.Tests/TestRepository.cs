// Where the repository under test is: the folder holding Tokentap.sln above the test assembly.
namespace Tokentap.PowerShell.Tests;

public static class TestRepository
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tokentap.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tokentap.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootFolder.Value;
}
