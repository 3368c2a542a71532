// The helper programs module tests start in their own processes: the engine's test child (to write events as another
// process would) and a real pwsh 7.6 console (tests/Tokentap.Pwsh). Never loaded into the test process itself.
using System.Diagnostics;
using System.Text.Json;

namespace Tokentap.PowerShell.Tests;

internal static class TestPrograms
{
    /// <summary>The dotnet executable running the tests.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>tests/Tokentap.TestProcess, built in the same configuration as this test project.</summary>
    public static string TestProcess => Built("Tokentap.TestProcess");

    /// <summary>The test pwsh (tests/Tokentap.Pwsh): the real console host, started as an executable.</summary>
    public static string Pwsh => Path.ChangeExtension(Built("Tokentap.Pwsh", "pwsh"), null);

    /// <summary>Writes events into the store at <paramref name="databasePath"/> from a child process.</summary>
    public static void Seed(string databasePath, IReadOnlyList<UsageEvent> events)
    {
        var file = Path.Combine(Path.GetTempPath(), "tokentap-seed-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, JsonSerializer.Serialize(events));
        try
        {
            var info = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { TestProcess, "seed", databasePath, file })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the seeding process did not finish");
            Assert.True(process.ExitCode == 0, $"seeding failed ({process.ExitCode}): {output.Result} {errors.Result}");
            Assert.Equal($"SEEDED {events.Count}", output.Result.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Built(string project, string? assembly = null)
    {
        // This assembly runs from tests/Tokentap.PowerShell.Tests/bin/<Configuration>/<TargetFramework>/.
        var targetDirectory = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(targetDirectory);
        var configuration = Path.GetFileName(Path.GetDirectoryName(targetDirectory))!;
        var root = Path.GetFullPath(Path.Combine(targetDirectory, "..", "..", "..", "..", ".."));
        var path = Path.Combine(root, "tests", project, "bin", configuration, framework, (assembly ?? project) + ".dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first");
        return path;
    }
}
