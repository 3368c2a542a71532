// The "pwsh" scenario: Import-Module + Start-Tokentap in the real pwsh 7.6 console, and what the auto-start block
// costs every new shell (pwsh with the profile Enable-TokentapAutoStart writes, minus pwsh -NoProfile).
using System.Diagnostics;
using System.Globalization;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace Tokentap.Bench;

/// <summary>
/// Uses tests/Tokentap.Pwsh (built with this program, published ReadyToRun by <see cref="ShippedPwsh"/>) and out/Tokentap. Every run is a new process with its own HOME
/// (and so its own profile) and TOKENTAP_HOME holding a CA made by a first run, as a user's later shells find it.
/// Import + start: timed inside pwsh with a Stopwatch, --runs (7) times, median. Profile cost: hyperfine (when
/// installed, else the same number of timed starts) of "pwsh -Command exit" with and without -NoProfile.
/// </summary>
internal static class PwshStartBenchmark
{
    internal static readonly List<(string Name, string Value, string Notes)> Results = [];

    /// <summary>Import-Module + Start-Tokentap (ms, median) and the profile's cost (ms, mean difference).</summary>
    internal static (double ImportAndStart, double ProfileCost, double BareStart, int Assemblies)? Figures { get; private set; }

    public static int Run(string[] args)
    {
        Measure(BenchOptions.Int(args, "--runs", 7));
        foreach (var (name, value, notes) in Results)
        {
            Console.WriteLine($"{name}: {value} ({notes})");
        }

        return 0;
    }

    public static void Measure(int runs)
    {
        Results.Clear();
        var root = BenchOptions.RepoRoot();
        var module = Path.Combine(root, "out", "Tokentap", "Tokentap.psd1");
        if (!File.Exists(module))
        {
            throw new FileNotFoundException($"build first (dotnet build -c Release bench/Tokentap.Bench): {module}");
        }

        // A Debug build (dotnet test) lays out the same folder with IL-only assemblies, which pwsh would compile as it
        // imports them: figures that say nothing about the module users get.
        var engine = Path.Combine(root, "out", "Tokentap", "deps", "Tokentap.Engine.dll");
        if (!IsReadyToRun(engine))
        {
            throw new InvalidOperationException($"{engine} is not a ReadyToRun image (a Debug build laid out out/Tokentap last): run dotnet build -c Release bench/Tokentap.Bench first");
        }

        var pwsh = ShippedPwsh.Prepare(root);

        var home = Directory.CreateTempSubdirectory("tokentap-bench-pwsh-").FullName;
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["HOME"] = home,
                ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
                ["TOKENTAP_HOME"] = Path.Combine(home, "tokentap"),
                ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
                ["POWERSHELL_UPDATECHECK"] = "Off",
            };
            var quoted = module.Replace("'", "''", StringComparison.Ordinal);

            // A first run creates the CA and writes the profile block with the real cmdlet.
            RunPwsh(pwsh, environment, "-NoProfile", "-Command", $"Import-Module '{quoted}'; $null = Start-Tokentap -Port 0; Stop-Tokentap; $null = Enable-TokentapAutoStart -Path $PROFILE.CurrentUserCurrentHost -StartArguments '-Port 0'");
            var timed = "$a = [AppDomain]::CurrentDomain.GetAssemblies().Count; $w = [Diagnostics.Stopwatch]::StartNew(); Import-Module '" + quoted + "'; $null = Start-Tokentap -Port 0; "
                + "$ms = $w.Elapsed.TotalMilliseconds; $b = [AppDomain]::CurrentDomain.GetAssemblies().Count; Stop-Tokentap; "
                + "'IMPORTSTART ' + $ms.ToString([Globalization.CultureInfo]::InvariantCulture) + ' ' + ($b - $a)";
            var assemblies = 0;
            var samples = Enumerable.Range(0, runs)
                .Select(_ =>
                {
                    var fields = Marker(RunPwsh(pwsh, environment, "-NoProfile", "-Command", timed), "IMPORTSTART").Split(' ');
                    assemblies = int.Parse(fields[1], CultureInfo.InvariantCulture);
                    return double.Parse(fields[0], CultureInfo.InvariantCulture);
                })
                .Order()
                .ToList();
            var importAndStart = samples[samples.Count / 2];
            Results.Add(("Import-Module + Start-Tokentap in the real pwsh (CA present)", $"{importAndStart:N0} ms", $"median of {runs} new pwsh processes, range {samples[0]:N0} to {samples[^1]:N0} ms; {assemblies} assemblies loaded by the two commands"));

            var (bare, withProfile, how) = ProfileCost(pwsh, environment, runs);
            Results.Add(("pwsh start, -NoProfile", $"{bare:N0} ms", how));
            Results.Add(("pwsh start with the Enable-TokentapAutoStart profile, minus -NoProfile", $"{withProfile - bare:N0} ms", $"{withProfile:N0} ms with the profile; {how}"));
            Figures = (importAndStart, withProfile - bare, bare, assemblies);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    // Mean wall time of "pwsh -Command exit" without and with the profile, by hyperfine when it is installed.
    private static (double Bare, double WithProfile, string How) ProfileCost(string pwsh, Dictionary<string, string> environment, int runs)
    {
        var bareCommand = $"{pwsh} -NoLogo -NoProfile -NonInteractive -Command exit";
        var profileCommand = $"{pwsh} -NoLogo -NonInteractive -Command exit";
        if (File.Exists("/usr/bin/hyperfine"))
        {
            var json = Path.Combine(environment["HOME"], "hyperfine.json");
            BenchOptions.RunChecked("/usr/bin/hyperfine", ["--warmup", "1", "--runs", runs.ToString(CultureInfo.InvariantCulture), "--style", "none", "--export-json", json, bareCommand, profileCommand], environment);
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var means = document.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("mean").GetDouble() * 1000).ToArray();
            return (means[0], means[1], $"hyperfine, mean of {runs} runs after 1 warm-up");
        }

        double Mean(params string[] args) => Enumerable.Range(0, runs).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            RunPwsh(pwsh, environment, args);
            return watch.Elapsed.TotalMilliseconds;
        }).Average();

        return (Mean("-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "exit"), Mean("-NoLogo", "-NonInteractive", "-Command", "exit"), $"mean of {runs} timed starts (no hyperfine)");
    }

    private static string RunPwsh(string pwsh, Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(pwsh);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Anything on standard error (an error record, a warning) fails the run as a non-zero exit does.
        var (exitCode, output, errors) = BenchOptions.Run(start, environment);
        return exitCode == 0 && errors.Trim().Length == 0
            ? output
            : throw new InvalidOperationException($"pwsh {string.Join(' ', args)} failed ({exitCode}): {output} {errors}");
    }

    private static bool IsReadyToRun(string assembly)
    {
        using var reader = new PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    private static string Marker(string output, string marker) =>
        output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(marker + " ", StringComparison.Ordinal))?[(marker.Length + 1)..]
        ?? throw new InvalidOperationException($"no {marker} line in: {output}");
}
