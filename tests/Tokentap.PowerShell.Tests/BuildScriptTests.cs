// build.ps1 run by the real pwsh with -File, against a stand-in dotnet on PATH that records its arguments: which
// dotnet commands the quick start, -Test and -Bench run, and the exit code when one fails or a parameter is wrong.
namespace Tokentap.PowerShell.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BuildScriptTests : IDisposable
{
    private const string ModuleBuild = "build src/Tokentap.PowerShell/Tokentap.PowerShell.csproj -c Release";
    private readonly string _folder = Directory.CreateTempSubdirectory("tokentap-build-script-").FullName;

    public BuildScriptTests()
    {
        File.Copy(Path.Combine(TestRepository.Root, "build.ps1"), Path.Combine(_folder, "build.ps1"));
        var bin = Directory.CreateDirectory(Path.Combine(_folder, "bin")).FullName;
        var dotnet = Path.Combine(bin, "dotnet");
        File.WriteAllText(dotnet, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$FAKE_DOTNET_LOG\"\nexit \"${FAKE_DOTNET_EXIT:-0}\"\n");
        File.SetUnixFileMode(dotnet, (UnixFileMode)0x1ED); // 0755
    }

    private string Log => Path.Combine(_folder, "dotnet.log");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_quick_start_builds_the_module_alone()
    {
        var result = Build([]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal([ModuleBuild], Invocations());
        Assert.Contains($"Module ready: {Path.Combine(_folder, "out", "Tokentap", "Tokentap.psd1")}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_builds_the_whole_solution_and_runs_every_test()
    {
        var result = Build(["-Test"]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal([ModuleBuild, "test Tokentap.sln -c Release"], Invocations());
    }

    [Fact]
    public void Bench_runs_the_benchmarks_in_release()
    {
        var result = Build(["-Bench", "-Configuration", "Debug"]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["build src/Tokentap.PowerShell/Tokentap.PowerShell.csproj -c Debug", "run -c Release --project bench/Tokentap.Bench -- all"], Invocations());
    }

    [Fact]
    public void A_failing_dotnet_command_stops_the_script_with_a_non_zero_exit_code()
    {
        var result = Build(["-Test"], dotnetExitCode: 3);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("dotnet build failed with exit code 3", result.Stderr, StringComparison.Ordinal);
        Assert.Equal([ModuleBuild], Invocations());
    }

    [Fact]
    public void An_unknown_configuration_is_refused_before_anything_runs()
    {
        var result = Build(["-Configuration", "Nope"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Cannot validate argument on parameter 'Configuration'", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Invocations());
    }

    private ChildResult Build(string[] arguments, int dotnetExitCode = 0)
    {
        var environment = PwshEnvironment.Clean(Path.Combine(_folder, "home"));
        environment["PATH"] = Path.Combine(_folder, "bin") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        // The test pwsh is an apphost: it finds the real runtime through DOTNET_ROOT, not through the stand-in on PATH.
        environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        environment["FAKE_DOTNET_LOG"] = Log;
        environment["FAKE_DOTNET_EXIT"] = dotnetExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ChildProcess.Run(TestPrograms.Pwsh, ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", Path.Combine(_folder, "build.ps1"), .. arguments], environment, _folder);
    }

    private string[] Invocations() => File.Exists(Log) ? File.ReadAllLines(Log) : [];
}
