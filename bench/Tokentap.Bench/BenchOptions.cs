// Command-line options shared by the benchmark scenarios.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Tokentap.Bench;

internal static class BenchOptions
{
    public static int Int(string[] args, string name, int fallback) =>
        String(args, name) is { } value ? int.Parse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;

    public static string? String(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>The repository root: the nearest folder up from this program that holds Tokentap.sln.</summary>
    public static string RepoRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Tokentap.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("run the benchmarks from the repository (no Tokentap.sln above " + AppContext.BaseDirectory + ")");
    }

    /// <summary>How to run this benchmark program again, as a child process, with the given arguments.</summary>
    public static ProcessStartInfo Self(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>
    /// Runs this program again as a child (a new process: JIT and caches cold) and returns the fields after
    /// <paramref name="marker"/> on the output line that starts with it.
    /// </summary>
    public static string[] RunChild(string marker, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var (exitCode, output, errors) = Run(Self(args), environment);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(marker + " ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"child {args[0]} failed ({exitCode}): {output} {errors}");
        return line.TrimEnd('\r').Split(' ')[1..];
    }

    /// <summary>Runs <paramref name="start"/> to its end with both streams read; its exit code and what it wrote.</summary>
    public static (int ExitCode, string Output, string Errors) Run(ProcessStartInfo start, IReadOnlyDictionary<string, string>? environment = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors.Result);
    }

    /// <summary><see cref="Run"/> for a program that must succeed: its standard output, or an exception with both streams.</summary>
    public static string RunChecked(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var (exitCode, output, errors) = Run(start, environment);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({exitCode}): {output} {errors}");
    }

    /// <summary>A blank line, then the rows as a markdown table on standard output: how each scenario ends its run.</summary>
    public static void WriteTable(IEnumerable<(string Name, string Value, string Notes)> rows)
    {
        Console.WriteLine();
        foreach (var line in Table(rows))
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>A scenario's figures as a markdown table.</summary>
    public static IEnumerable<string> Table(IEnumerable<(string Name, string Value, string Notes)> rows)
    {
        yield return "| Measurement | Result | Notes |";
        yield return "| --- | --- | --- |";
        foreach (var (name, value, notes) in rows)
        {
            yield return $"| {name} | {value} | {notes} |";
        }
    }
}
