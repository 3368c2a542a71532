// Scenario 6, cold start: Import-Module and Start-Tokentap in a hosted runspace of a new process, CA already present.
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Tokentap.Bench;

/// <summary>
/// Runs "coldstart-child" N times (after one run that creates the CA) and reports the medians. Each child is a new
/// process: it opens a runspace, imports out/Tokentap/Tokentap.psd1 (the built module), runs Start-Tokentap -Port 0
/// and reports the three times. Options: --runs N (5), --module PATH.
/// </summary>
internal static class ColdStartBenchmark
{
    internal static readonly List<(string Name, string Value, string Notes)> Results = [];

    public static int Run(string[] args)
    {
        var runs = BenchOptions.Int(args, "--runs", 5);
        var module = BenchOptions.String(args, "--module") ?? Path.Combine(BenchOptions.RepoRoot(), "out", "Tokentap", "Tokentap.psd1");
        if (!File.Exists(module))
        {
            throw new FileNotFoundException("build the module first (dotnet build -c Release)", module);
        }

        var home = Path.Combine(Path.GetTempPath(), "tokentap-bench-cold-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = Child(module, home);
            Console.WriteLine($"cold start: first run (creates the CA): runspace {first[0]:N0} ms, Import-Module {first[1]:N0} ms, Start-Tokentap {first[2]:N0} ms");
            var samples = Enumerable.Range(0, runs).Select(_ => Child(module, home)).ToList();
            double Median(int i) => samples.Select(s => s[i]).Order().ElementAt(samples.Count / 2);
            Results.Clear();
            Results.Add(("Open a runspace (PowerShell itself, not Tokentap)", $"{Median(0):N0} ms", $"median of {runs} new processes"));
            Results.Add(("Import-Module Tokentap", $"{Median(1):N0} ms", "cmdlet assembly, load context, manifest, format and type files"));
            Results.Add(("Start-Tokentap -Port 0 (CA present)", $"{Median(2):N0} ms", "open the CA, start the store's recorder and the listener, set the session variables"));
            Results.Add(("Import-Module + Start-Tokentap", $"{Median(1) + Median(2):N0} ms", $"range {samples.Min(s => s[1] + s[2]):N0} to {samples.Max(s => s[1] + s[2]):N0} ms"));
            Results.Add(("First Start-Tokentap ever (creates the CA)", $"{first[2]:N0} ms", "one run; an ECDSA P-256 key and its certificate"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }

        foreach (var (name, value, notes) in Results)
        {
            Console.WriteLine($"{name}: {value} ({notes})");
        }

        return 0;
    }

    /// <summary>The child: prints "COLDSTART runspace-ms import-ms start-ms".</summary>
    public static int RunChild(string[] args)
    {
        var watch = Stopwatch.StartNew();
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var opened = watch.Elapsed.TotalMilliseconds;
        using var shell = PowerShell.Create(runspace);
        watch.Restart();
        shell.AddCommand("Import-Module").AddParameter("Name", args[0]).AddParameter("ErrorAction", "Stop").Invoke();
        var imported = watch.Elapsed.TotalMilliseconds;
        shell.Commands.Clear();
        watch.Restart();
        var status = shell.AddScript("Start-Tokentap -Port 0 -PassThru").Invoke();
        var started = watch.Elapsed.TotalMilliseconds;
        if (shell.HadErrors || status.Count != 1 || !(bool)status[0].Properties["Running"].Value)
        {
            Console.Error.WriteLine(string.Join("; ", shell.Streams.Error.Select(e => e.ToString())));
            return 1;
        }

        shell.Commands.Clear();
        shell.AddScript("$null = Stop-Tokentap").Invoke();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"COLDSTART {opened:F1} {imported:F1} {started:F1}"));
        return 0;
    }

    private static double[] Child(string module, string home) =>
        BenchOptions.RunChild("COLDSTART", new Dictionary<string, string> { ["TOKENTAP_HOME"] = home }, "coldstart-child", module)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
