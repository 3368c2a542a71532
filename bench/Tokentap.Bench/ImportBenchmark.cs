// The "import" scenario: Import-TokenUsage's engine over a generated 30-day Claude Code history, then again unchanged.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Tokentap.Engine.History;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Bench;

/// <summary>
/// Writes --mb megabytes (200) of Claude Code session logs over --days days (30) in the shape Claude Code 2.1.197 writes
/// them (Tests' Fixtures/AgentLogs/claude): per turn a prompt line, then requests whose responses are logged as a text
/// line and a tool_use line sharing message.id and requestId, each followed by a tool_result line. Then imports them
/// into a fresh store (target under 10 s) and imports again over the unchanged files (target under 1 s). Reading and
/// parsing alone is timed first, so the store's share is the difference.
/// Options: --mb N, --days D, --dir PATH (a temp folder, deleted afterwards unless --keep).
/// </summary>
internal static class ImportBenchmark
{
    internal static readonly List<(string Name, string Value, string Notes)> Results = [];

    public static int Run(string[] args)
    {
        var megabytes = BenchOptions.Int(args, "--mb", 200);
        var days = BenchOptions.Int(args, "--days", 30);
        var keep = args.Contains("--keep");
        var folder = BenchOptions.String(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "tokentap-bench-import-" + Guid.NewGuid().ToString("N"));
        var logs = Path.Combine(folder, "claude", "projects");
        var home = Path.Combine(folder, "tokentap");
        Directory.CreateDirectory(home);
        try
        {
            var watch = Stopwatch.StartNew();
            var (files, requests, bytes) = Generate(logs, megabytes * 1_048_576L, days);
            Console.WriteLine($"import benchmark: wrote {bytes / 1_048_576.0:N0} MiB in {files:N0} files ({requests:N0} requests) in {watch.Elapsed.TotalSeconds:N1} s");
            Report("Generated Claude Code history", $"{bytes / 1_048_576.0:N0} MiB", $"{files:N0} session files over {days} days, {requests:N0} billed requests");

            using var store = new UsageStore(Path.Combine(home, "usage.db"), TimeSpan.FromSeconds(60));
            var prices = PriceTable.Embedded();
            var reader = HistoryImporter.ReaderFor(UsageSource.ClaudeCodeLog);
            var options = new HistoryImportOptions { Paths = [logs] };

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            watch.Restart();
            long parsed = 0;
            foreach (var file in reader.FindFiles([logs]))
            {
                using var log = new LogFileReader(reader, file, 0, new LogFileState());
                LogFileSlice slice;
                do
                {
                    slice = log.ReadSlice(5000, CancellationToken.None);
                    parsed += slice.Events.Count;
                }
                while (slice.More);
            }

            Report("Read and parse only (no store)", $"{watch.Elapsed.TotalSeconds:N2} s", $"{parsed:N0} events; {Cpu(ref cpu)}");
            watch.Restart();
            var first = new HistoryImporter(store, prices, home).Import(reader, options, CancellationToken.None);
            var firstTime = watch.Elapsed;
            Report("Import, first run (target < 10 s)", $"{firstTime.TotalSeconds:N2} s", $"{first.Added:N0} events added of {first.EventsFound:N0} found, {bytes / 1_048_576.0 / firstTime.TotalSeconds:N0} MiB/s, {first.Added / firstTime.TotalSeconds:N0} events/s, {first.SkippedLines} lines skipped; {Cpu(ref cpu)}");

            watch.Restart();
            var second = new HistoryImporter(store, prices, home).Import(reader, options, CancellationToken.None);
            var secondTime = watch.Elapsed;
            Report("Import again, files unchanged (target < 1 s)", $"{secondTime.TotalMilliseconds:N0} ms", $"{second.FilesRead} files read, {second.Added} added; {Cpu(ref cpu)}");

            if (first.Added != requests || second.Added != 0 || second.FilesRead != 0)
            {
                Console.Error.WriteLine($"import benchmark: expected {requests:N0} added then 0, got {first.Added:N0} and {second.Added:N0} ({second.FilesRead} files read)");
                return 1;
            }
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        BenchOptions.WriteTable(Results);

        return 0;
    }

    /// <summary>CPU time used since <paramref name="since"/> (moved on), and the machine's load: on a shared machine the
    /// wall times above grow with the load, the CPU time much less.</summary>
    private static string Cpu(ref TimeSpan since)
    {
        var now = Process.GetCurrentProcess().TotalProcessorTime;
        var used = now - since;
        since = now;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return $"{used.TotalSeconds:N2} s CPU, load average {load} on {Environment.ProcessorCount} cores";
    }

    private static void Report(string name, string value, string notes)
    {
        Results.Add((name, value, notes));
        Console.WriteLine($"{name}: {value} ({notes})");
    }

    /// <summary>Writes session files until <paramref name="targetBytes"/> is reached; returns files, requests, bytes.</summary>
    private static (int Files, long Requests, long Bytes) Generate(string root, long targetBytes, int days)
    {
        var random = new Random(18);
        var start = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var filler = new string('x', 4096);
        int files = 0;
        long requests = 0, bytes = 0;
        while (bytes < targetBytes)
        {
            var project = $"/home/user/project-{files % 7}";
            var folder = Path.Combine(root, project.Replace('/', '-'));
            Directory.CreateDirectory(folder);
            var session = Guid.NewGuid().ToString();
            var time = start.AddDays(random.Next(days)).AddHours(random.Next(8, 20)).AddMinutes(random.Next(60));
            using var file = new StreamWriter(Path.Combine(folder, session + ".jsonl"), append: false, new UTF8Encoding(false), 1 << 16);
            var turns = random.Next(5, 40);
            for (var turn = 0; turn < turns && bytes < targetBytes; turn++)
            {
                var prompt = Guid.NewGuid().ToString();
                bytes += Line(file, new { parentUuid = (string?)null, isSidechain = false, promptId = prompt, type = "user", message = new { role = "user", content = "Please change " + filler[..random.Next(50, 400)] }, uuid = Guid.NewGuid(), timestamp = Stamp(time), cwd = project, sessionId = session, version = "2.1.197", gitBranch = "main" });
                var calls = random.Next(1, 8);
                for (var call = 0; call < calls; call++)
                {
                    time = time.AddSeconds(random.Next(2, 40));
                    requests++;
                    var id = $"msg_bench_{requests:D9}";
                    var requestId = $"req_bench_{requests:D9}";
                    var usage = new
                    {
                        input_tokens = random.Next(1, 5000),
                        cache_creation_input_tokens = random.Next(0, 20000),
                        cache_read_input_tokens = random.Next(0, 200000),
                        output_tokens = random.Next(1, 4000),
                        service_tier = "standard",
                        cache_creation = new { ephemeral_1h_input_tokens = 0, ephemeral_5m_input_tokens = 0 },
                    };
                    var last = call == calls - 1;
                    foreach (var block in last ? new[] { "text" } : ["text", "tool_use"])
                    {
                        object content = block == "text"
                            ? new { type = "text", text = filler[..random.Next(100, 1500)] }
                            : new { type = "tool_use", id = "toolu_" + requests, name = "Edit", input = new { file_path = project + "/src/file.cs", old_string = filler[..random.Next(50, 800)], new_string = filler[..random.Next(50, 800)] } };
                        bytes += Line(file, new { parentUuid = Guid.NewGuid(), isSidechain = false, message = new { id, type = "message", role = "assistant", model = "claude-sonnet-4-5-20250929", content = new[] { content }, stop_reason = last ? "end_turn" : "tool_use", stop_sequence = (string?)null, usage }, requestId, type = "assistant", uuid = Guid.NewGuid(), timestamp = Stamp(time), cwd = project, sessionId = session, version = "2.1.197", gitBranch = "main" });
                    }

                    if (!last)
                    {
                        bytes += Line(file, new { parentUuid = Guid.NewGuid(), isSidechain = false, promptId = prompt, type = "user", message = new { role = "user", content = new[] { new { tool_use_id = "toolu_" + requests, type = "tool_result", content = filler[..random.Next(200, 4000)] } } }, uuid = Guid.NewGuid(), timestamp = Stamp(time.AddSeconds(1)), toolUseResult = new { stdout = "ok" }, cwd = project, sessionId = session, version = "2.1.197", gitBranch = "main" });
                    }
                }

                time = time.AddMinutes(random.Next(1, 30));
            }

            files++;
        }

        return (files, requests, bytes);
    }

    private static string Stamp(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static long Line(StreamWriter file, object record)
    {
        var json = JsonSerializer.Serialize(record);
        file.Write(json);
        file.Write('\n');
        return Encoding.UTF8.GetByteCount(json) + 1;
    }
}
