// "capture --stages": where content capture's per-call cost goes, each stage timed in this process on one thread.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tokentap.Engine.Content;
using Tokentap.Testing;

namespace Tokentap.Bench;

/// <summary>
/// Runs each stage of capturing one call many times over the small and the Claude Code-size body and prints the mean
/// CPU time of this thread and the bytes allocated per call: the request's sanitizing (of which: redaction of its strings, and each
/// built-in pattern alone over the same strings) and the record's write (serialize, gzip, file, rename). Allocations
/// are this thread's (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), and so is the CPU time (background GC work
/// is not in it): both hold on a busy machine, where elapsed time does not.
/// </summary>
internal static class CaptureStages
{
    public static void Run(byte[] small, byte[] large, int iterations)
    {
        // The patterns are built (and, being RegexOptions.Compiled, compiled to IL and JIT-compiled) at first use.
        var cold = ThreadCpuMs();
        Redaction.BuiltIn.Apply("the first call builds the patterns: password=hunter2-hunter2");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first redaction in the process (builds the patterns): {ThreadCpuMs() - cold:N1} ms CPU"));
        var home = Directory.CreateTempSubdirectory("tokentap-bench-stages-").FullName;
        try
        {
            var store = new ContentStore(Path.Combine(home, "content"));
            foreach (var (name, body) in new[] { ("small", small), ($"large ({large.Length / 1024} KB)", large) })
            {
                var runs = name == "small" ? iterations * 10 : iterations;
                var strings = Strings(body);
                var utf8 = strings.Select(System.Text.Encoding.UTF8.GetBytes).ToList();
                var (json, _) = RequestSanitizer.Sanitize(body, Redaction.BuiltIn, ContentCapture.MaxRequestBytes);
                Console.WriteLine($"{name} body: {body.Length:N0} bytes, {strings.Count} strings ({strings.Sum(s => s.Length):N0} chars)");
                Print("  sanitize (parse, redact, write JSON)", runs, () => RequestSanitizer.Sanitize(body, Redaction.BuiltIn, ContentCapture.MaxRequestBytes));
                Print("  redaction of its strings", runs, () =>
                {
                    foreach (var text in strings)
                    {
                        Redaction.BuiltIn.Apply(text);
                    }
                });
                Print("  store write (serialize, gzip, file, rename)", runs, () => store.Write(Record(json)));
                if (name != "small")
                {
                    Print("  strings screened as UTF-8 (Redaction.CannotMatch)", runs, () =>
                    {
                        foreach (var text in utf8)
                        {
                            Redaction.BuiltIn.CannotMatch(text);
                        }
                    });
                    foreach (var (kind, pattern, anchors) in RedactionPatterns.All)
                    {
                        var candidates = strings.Where(t => anchors!.MayMatch(t)).ToList();
                        Console.WriteLine($"    {kind}: its anchors are in {candidates.Count} strings ({candidates.Sum(c => c.Length):N0} chars)");
                        Print($"    pattern {kind}, on every string", runs, () =>
                        {
                            foreach (var text in strings)
                            {
                                pattern.Replace(text, "x");
                            }
                        });
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static ContentRecord Record(string json) => new()
    {
        Id = Guid.NewGuid(),
        Timestamp = DateTime.UtcNow,
        Provider = "anthropic",
        Endpoint = "messages",
        Model = BenchUpstream.Model,
        Format = "AnthropicMessages",
        RequestJson = json,
        ResponseText = "Benchmarks measure what users feel: the latency a proxy adds, the chunks it holds back and the memory it needs.",
        ToolCalls = [],
    };

    private static void Print(string stage, int runs, Action action)
    {
        // Warm: at least 50 calls and a second, so the measured calls run fully optimized (tier-1) code.
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 50 || warm.Elapsed < TimeSpan.FromSeconds(1); i++)
        {
            action();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpuMs();
        for (var i = 0; i < runs; i++)
        {
            action();
        }

        var ms = (ThreadCpuMs() - cpu) / runs;
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)runs;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stage,-52} {ms,9:N4} ms CPU {bytes / 1024,10:N1} KB allocated per call"));
    }

    // This thread's CPU time: clock_gettime(CLOCK_THREAD_CPUTIME_ID) on Linux (the process's elsewhere, 10 ms ticks).
    private static double ThreadCpuMs()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3, out var time) == 0)
        {
            return time.Seconds * 1000.0 + time.Nanoseconds / 1e6;
        }

        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalMilliseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static List<string> Strings(byte[] body)
    {
        var strings = new List<string>();
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                strings.Add(reader.GetString()!);
            }
        }

        return strings;
    }
}
