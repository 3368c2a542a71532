// A temporary folder tree for client process tests: optionally a git repository, with a nested working folder.
using System.Diagnostics;

namespace Tokentap.Engine.Tests.Clients;

/// <summary>A temp folder (a real `git init` repository when asked) with a nested folder "src/deep" to run clients in.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject(bool git)
    {
        Root = Directory.CreateTempSubdirectory("tt-project-").FullName;
        Nested = Directory.CreateDirectory(Path.Combine(Root, "src", "deep")).FullName;
        if (git)
        {
            using var init = Process.Start(new ProcessStartInfo("git", ["init", "-q", Root]) { UseShellExecute = false })!;
            init.WaitForExit();
            Assert.Equal(0, init.ExitCode);
            Assert.True(Directory.Exists(Path.Combine(Root, ".git")));
        }
    }

    /// <summary>The top folder (the git root when a repository).</summary>
    public string Root { get; }

    /// <summary>Root/src/deep.</summary>
    public string Nested { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
