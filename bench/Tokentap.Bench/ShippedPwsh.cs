// The pwsh the "pwsh" scenario measures: tests/Tokentap.Pwsh published ReadyToRun, the way Microsoft builds releases.
using System.Runtime.InteropServices;

namespace Tokentap.Bench;

/// <summary>
/// PowerShell's release builds compile its assemblies ahead of time (PublishReadyToRun in Release, PowerShell.Common.props
/// of PowerShell/PowerShell), so the pwsh users install starts without compiling PowerShell itself. The test pwsh is built
/// from the SDK packages' IL-only assemblies and JIT-compiles about 6,000 methods of PowerShell before a prompt: it starts
/// in 0.8 s where a ReadyToRun one takes 0.35 s, and Import-Module pays for PowerShell's module code too. Startup is
/// measured in a ReadyToRun publish of the same project, made here once per build of it.
/// </summary>
internal static class ShippedPwsh
{
    /// <summary>The path of the ReadyToRun pwsh, publishing it when missing or older than the built test pwsh.</summary>
    public static string Prepare(string root)
    {
        var built = Path.Combine(root, "tests", "Tokentap.Pwsh", "bin", "Release", "net10.0", "pwsh.dll");
        var folder = Path.Combine(root, "bench", "Tokentap.Bench", "bin", "pwsh-readytorun");
        var published = Path.Combine(folder, "pwsh.dll");
        if (!File.Exists(built))
        {
            throw new FileNotFoundException($"build first (dotnet build -c Release bench/Tokentap.Bench): {built}");
        }

        if (File.Exists(published) && File.GetLastWriteTimeUtc(published) >= File.GetLastWriteTimeUtc(built))
        {
            return Path.Combine(folder, "pwsh");
        }

        Console.WriteLine($"Publishing the test pwsh ReadyToRun (as PowerShell releases are built) to {folder} ...");
        BenchOptions.RunChecked("dotnet",
        [
            "publish", Path.Combine(root, "tests", "Tokentap.Pwsh", "Tokentap.Pwsh.csproj"), "-c", "Release",
            "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-p:PublishReadyToRun=true",
            "-o", folder, "-nologo", "-v", "q",
        ]);

        // A publish for one platform puts PowerShell's assemblies at its root, which becomes $PSHOME, while the built-in
        // modules' manifests stay where the SDK package's content files go: they belong in $PSHOME/Modules, as in a release.
        var modules = Path.Combine(folder, "runtimes", OperatingSystem.IsWindows() ? "win" : "unix", "lib", "net10.0", "Modules");
        CopyFolder(modules, Path.Combine(folder, "Modules"));

        // The publish can keep the older file times of an unchanged build: the stamp says it matches this build.
        File.SetLastWriteTimeUtc(published, DateTime.UtcNow);
        return Path.Combine(folder, "pwsh");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
