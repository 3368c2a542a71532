// The "ingest" scenario: what the store's writer spends per event (CPU, allocations, bytes written) once it holds N events.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Tokentap.Engine.Usage;

namespace Tokentap.Bench;

/// <summary>
/// Fills a fresh store through the recorder (the proxy's path) with N events of one UTC day, then writes the next
/// events in batches of fixed sizes and reports, per event, the writer thread's CPU time and allocations and the bytes
/// the process wrote (log and data file): figures that do not depend on what else the machine runs.
/// Options: --events N (100,000 stored before measuring), --measure M (20,000 per batch size), --batches 400,1000,
/// --dir PATH (a temp folder, deleted afterwards unless --keep).
/// </summary>
internal static class IngestBenchmark
{
    private const int FillBatch = 1000;

    /// <summary>Every figure of the last run, in order.</summary>
    internal static readonly List<(string Name, string Value, string Notes)> Results = [];

    public static int Run(string[] args)
    {
        var stored = BenchOptions.Int(args, "--events", 100_000);
        var measured = BenchOptions.Int(args, "--measure", 20_000);
        var batches = (BenchOptions.String(args, "--batches") ?? "400,1000").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        var keep = args.Contains("--keep");
        var folder = BenchOptions.String(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "tokentap-ingest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "usage.db");
        // Each measured batch size first writes one batch of its own as a warm-up (its commit is the baseline).
        var total = stored + batches.Sum(b => measured + b);
        Console.WriteLine($"ingest benchmark: {stored:N0} events of one day into {path}, then {measured:N0} per batch size ({string.Join(", ", batches)})");
        var events = BenchEvents.Generate(total, 1).ToList();
        try
        {
            using var store = new UsageStore(path, TimeSpan.FromSeconds(60));
            var fill = Write(store, events, 0, stored - FillBatch, FillBatch);
            Report($"Fill to {stored:N0} events (batches of {FillBatch:N0})", $"{fill.Events / fill.Seconds:N0} events/s", fill.Describe());
            var offset = stored;
            foreach (var batch in batches)
            {
                var sample = Write(store, events, offset, measured, batch);
                Report(
                    $"Next {measured:N0} events at {offset + batch:N0} stored, batches of {batch:N0}",
                    $"{sample.CpuMs * 1000 / measured:N1} µs CPU, {sample.Allocated / (double)measured:N0} B allocated per event",
                    sample.Describe());
                offset += batch + measured;
            }

            var size = new FileInfo(path).Length;
            Report("File size", $"{size / 1_048_576.0:N1} MiB", $"{size / (double)offset:N0} bytes per event at {offset:N0} events");
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

    /// <summary>
    /// Publishes events [offset, offset + batch + count) through a recorder writing exactly <paramref name="batch"/> events
    /// a transaction: the first batch alone (its commit, on the writer thread, is the baseline), then the
    /// <paramref name="count"/> measured ones, up to the last commit.
    /// </summary>
    private static Sample Write(UsageStore store, List<UsageEvent> events, int offset, int count, int batch)
    {
        var samples = new List<Sample>();
        var options = new UsageRecorderOptions
        {
            Capacity = count + 1,
            BatchSize = batch,
            MaxBatchSize = batch,
            FlushInterval = TimeSpan.FromSeconds(5),
            Committed = _ => samples.Add(Sample.Now()),
        };
        int gcBefore;
        var watch = new Stopwatch();
        using (var recorder = new UsageRecorder(store, options))
        {
            for (var i = 0; i < batch; i++)
            {
                recorder.Publish(events[offset + i]);
            }

            Flush(recorder);
            gcBefore = GC.CollectionCount(0);
            watch.Start();
            for (var i = batch; i < count + batch; i++)
            {
                recorder.Publish(events[offset + i]);
            }

            Flush(recorder);
            watch.Stop();
            if (recorder.Status.Dropped != 0 || recorder.Status.Duplicates != 0)
            {
                throw new InvalidOperationException($"writing lost events: {recorder.Status}");
            }
        }

        return (samples[^1] - samples[0]) with { Seconds = watch.Elapsed.TotalSeconds, Gen0 = GC.CollectionCount(0) - gcBefore, Batches = samples.Count - 1, Events = count };
    }

    private static void Flush(UsageRecorder recorder)
    {
        if (!recorder.Flush(TimeSpan.FromMinutes(30)))
        {
            throw new InvalidOperationException($"the recorder did not flush: {recorder.Status}");
        }
    }

    private static void Report(string name, string value, string notes)
    {
        Console.WriteLine($"{name}: {value} ({notes})");
        Results.Add((name, value, notes));
    }

    /// <summary>Counters of the writer thread (CPU, allocations) and of the process (bytes written) at a commit.</summary>
    private sealed record Sample(double CpuMs, long Allocated, long BytesWritten)
    {
        public double Seconds { get; init; }

        public int Gen0 { get; init; }

        public int Batches { get; init; }

        public int Events { get; init; }

        public static Sample Now() => new(ThreadCpuMs(), GC.GetAllocatedBytesForCurrentThread(), ProcessBytesWritten());

        public static Sample operator -(Sample a, Sample b) => new(a.CpuMs - b.CpuMs, a.Allocated - b.Allocated, a.BytesWritten - b.BytesWritten);

        public string Describe() =>
            string.Create(CultureInfo.InvariantCulture, $"{Events:N0} events in {Batches:N0} transactions: writer thread {CpuMs:N0} ms CPU ({CpuMs * 1000 / Events:N1} µs per event), {Allocated / 1_048_576.0:N1} MiB allocated ({Allocated / (double)Events:N0} B per event), {BytesWritten / (double)Events:N0} B written per event; {Seconds:N1} s wall ({Events / Seconds:N0} events/s), {Gen0} gen0 GCs");

        /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID).</summary>
        private static double ThreadCpuMs()
        {
            if (clock_gettime(3, out var time) != 0)
            {
                throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
            }

            return (time.Seconds * 1000.0) + (time.Nanoseconds / 1_000_000.0);
        }

        /// <summary>Bytes the process passed to write calls so far (wchar in /proc/self/io).</summary>
        private static long ProcessBytesWritten()
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                if (line.StartsWith("wchar:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return 0;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int clock_gettime(int clockId, out TimeSpec time);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
