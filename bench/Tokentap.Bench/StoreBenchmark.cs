// The "store" scenario: ingest rate, file size, query, summary, retention and tail figures of the usage store.
using System.Diagnostics;
using System.Globalization;
using Tokentap.Engine.Usage;

namespace Tokentap.Bench;

/// <summary>
/// Fills a fresh store through the recorder (the proxy's path) with N events over D days, then measures reads on it.
/// Options: --events N (1,000,000), --days D (70, so one week is 10 %), --dir PATH (a temp folder, deleted afterwards
/// unless --keep; a kept store found there is measured again without filling).
/// </summary>
internal static class StoreBenchmark
{
    /// <summary>Every figure of the last run, in order (read by the "all" scenario for the report).</summary>
    internal static readonly List<(string Name, string Value, string Notes)> Results = [];

    /// <summary>Each timed measurement's first and best time in ms, by name (for the targets in the report).</summary>
    internal static readonly Dictionary<string, (double First, double Best)> Timings = [];

    /// <summary>The ingest rate of the last run, events/s (0 when a kept store was reused).</summary>
    internal static double IngestRate { get; private set; }

    internal const string WeekQuery = "Query one week, newest first (UsageEvent objects)";
    internal const string ColdWeekQuery = "Query one week in a new process (first call)";
    internal const string ModelSummary = "Summary by model, all events";

    public static int Run(string[] args)
    {
        var events = BenchOptions.Int(args, "--events", 1_000_000);
        var days = BenchOptions.Int(args, "--days", 70);
        var keep = args.Contains("--keep");
        var folder = BenchOptions.String(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "tokentap-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "usage.db");
        Console.WriteLine($"store benchmark: {events:N0} events over {days} days into {path}");
        try
        {
            using var store = new UsageStore(path, TimeSpan.FromSeconds(60));
            var opening = Stopwatch.StartNew();
            if (store.GetLastPosition() == 0)
            {
                Ingest(store, events, days);
            }
            else
            {
                // A kept store from an earlier run (--dir, --keep): measure its reads again without filling it. Its first
                // call also brings a file of an older schema up to date (an engine's first run on a user's store).
                opening.Stop();
                events = (int)store.Count(UsageFilter.All);
                Report("Open a kept store (a schema migration included)", $"{opening.Elapsed.TotalMilliseconds:N0} ms", $"{events:N0} events; schema {store.ReadSchemaVersion()} after");
            }

            var size = new FileInfo(path).Length;
            Report("File size", $"{size / 1_048_576.0:N1} MiB", $"{size / (double)events:N0} bytes per event, {size * (1_000_000.0 / events) / 1_048_576.0:N0} MiB per million events");
            Reads(store, events, days);
            Tail(store);
            Retention(store);
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

    private static void Ingest(UsageStore store, int count, int days)
    {
        var watch = Stopwatch.StartNew();
        var (status, publishing) = BenchEvents.Fill(store, count, days);
        watch.Stop();
        IngestRate = count / watch.Elapsed.TotalSeconds;
        Report("Ingest (recorder, default options)", $"{count / watch.Elapsed.TotalSeconds:N0} events/s", $"{count:N0} events in {watch.Elapsed.TotalSeconds:N1} s, {status.Batches:N0} transactions; Publish {publishing.TotalMilliseconds * 1000 / count:N2} µs per call");
    }

    private static void Reads(UsageStore store, int count, int days)
    {
        var weekStart = BenchEvents.Start.AddDays(days / 2);
        var week = new UsageFilter { Since = weekStart, Until = weekStart.AddDays(7) };
        var rows = 0;
        ColdQuery(store.DatabasePath, week, count);
        Measure(WeekQuery, () => rows = store.Query(week).Count(), () => $"{rows:N0} events ({rows * 100.0 / count:N1} % of the store)");
        Measure("Query one week, Model = gpt-5*", () => rows = store.Query(week with { Model = ["gpt-5*"] }).Count(), () => $"{rows:N0} events");
        UsageEvent[] last = [];
        Measure("Last 10, no filter", () => last = store.Query(UsageFilter.All, last: 10).ToArray(), () => $"{last.Length} events");
        Measure("Last 10 of a rare model (0.1 % of events)", () => last = store.Query(new UsageFilter { Model = [BenchEvents.RareModel] }, last: 10).ToArray(), () => $"{last.Length} events");
        IReadOnlyList<UsageSummaryRow> summary = [];
        Measure(ModelSummary, () => summary = store.Summarize(UsageFilter.All, [UsageGroupBy.Model]), () => $"{summary.Count} rows, {summary.Sum(r => r.Requests):N0} events");
        Measure("Summary by day (UTC), all events", () => summary = store.Summarize(UsageFilter.All, [UsageGroupBy.Day], TimeZoneInfo.Utc), () => $"{summary.Count} rows");
        Measure("Summary by day, model, app, project (UTC-5)", () => summary = store.Summarize(UsageFilter.All, [UsageGroupBy.Day, UsageGroupBy.Model, UsageGroupBy.App, UsageGroupBy.Project], TimeZoneInfo.CreateCustomTimeZone("UTC-5", TimeSpan.FromHours(-5), "UTC-5", "UTC-5")), () => $"{summary.Count} rows");
        Measure("Summary by model of one week starting 12:30", () => summary = store.Summarize(week with { Since = weekStart.AddMinutes(750) }, [UsageGroupBy.Model]), () => $"{summary.Sum(r => r.Requests):N0} events; partial edge hours read from events");
        var india = TimeZoneInfo.CreateCustomTimeZone("UTC+5:30", new TimeSpan(5, 30, 0), "UTC+5:30", "UTC+5:30");
        Measure("Summary by day in UTC+5:30, one week (no rollups: raw events)", () => summary = store.Summarize(week, [UsageGroupBy.Day], india), () => $"{summary.Count} rows, {summary.Sum(r => r.Requests):N0} events");
        long counted = 0;
        Measure("Count, Session = claude-code-* (rollups)", () => counted = store.Count(new UsageFilter { Session = ["claude-code-*"] }), () => $"{counted:N0} events");
        IReadOnlyList<string> values = [];
        Measure("Distinct sessions (tab completion)", () => values = store.GetValues(UsageField.Session), () => $"{values.Count:N0} values");
        Measure("Distinct models (tab completion)", () => values = store.GetValues(UsageField.Model), () => $"{values.Count:N0} values");
    }

    /// <summary>
    /// The week query as a user's first command in a new shell: a new process (JIT, type loading and LiteDB's caches
    /// all cold) opens the store and reads the week once. Three processes; the slowest and the median are reported.
    /// </summary>
    private static void ColdQuery(string path, UsageFilter week, int count)
    {
        var times = new List<double>();
        var rows = 0;
        for (var run = 0; run < 3; run++)
        {
            var parts = BenchOptions.RunChild("STOREQUERY", null, "store-query-child", path, week.Since!.Value.Ticks.ToString(CultureInfo.InvariantCulture), week.Until!.Value.Ticks.ToString(CultureInfo.InvariantCulture));
            times.Add(double.Parse(parts[0], CultureInfo.InvariantCulture));
            rows = int.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        times.Sort();
        Timings[ColdWeekQuery] = (times[^1], times[1]);
        Report(ColdWeekQuery, $"{times[1]:N0} ms median, {times[^1]:N0} ms slowest of 3", $"{rows:N0} events ({rows * 100.0 / count:N1} % of the store); each a new process, JIT and caches cold");
    }

    /// <summary>The child of <see cref="ColdQuery"/>: args are the store path and the week's UTC ticks.</summary>
    public static int RunQueryChild(string[] args)
    {
        var watch = Stopwatch.StartNew();
        using var store = new UsageStore(args[0], TimeSpan.FromSeconds(60));
        var week = new UsageFilter
        {
            Since = new DateTime(long.Parse(args[1], CultureInfo.InvariantCulture), DateTimeKind.Utc),
            Until = new DateTime(long.Parse(args[2], CultureInfo.InvariantCulture), DateTimeKind.Utc),
        };
        var rows = store.Query(week).Count();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"STOREQUERY {watch.Elapsed.TotalMilliseconds:F1} {rows}"));
        return 0;
    }

    private static void Tail(UsageStore store)
    {
        // Ids of their own per run: a kept store already holds the previous run's tail events.
        var run = Guid.NewGuid().ToString("N")[..8];
        var position = store.GetLastPosition();
        const int Calls = 200;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            store.ReadAfter(position);
        }

        Report("Tail: ReadAfter with nothing new", $"{watch.Elapsed.TotalMilliseconds / Calls:N2} ms per call", $"mean of {Calls} calls");

        // End to end: publish in this process, see it through ReadAfter polled every 10 ms by another thread.
        var latencies = new List<double>();
        using (var recorder = new UsageRecorder(store))
        {
            var start = position;
            for (var i = 0; i < 20; i++)
            {
                var e = new UsageEvent { Timestamp = DateTime.UtcNow, Provider = "bench", RequestId = $"tail-{run}-{i}" };
                var sent = Stopwatch.GetTimestamp();
                recorder.Publish(e);
                while (true)
                {
                    var page = store.ReadAfter(start);
                    if (page.Events.Any(x => x.RequestId == e.RequestId))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                        start = page.Position;
                        break;
                    }

                    Thread.Sleep(10);
                }
            }
        }

        latencies.Sort();
        Report("Tail: Publish to seen by ReadAfter (10 ms polling)", $"median {latencies[latencies.Count / 2]:N0} ms, max {latencies[^1]:N0} ms", "20 events; dominated by the recorder's 200 ms flush interval");

        var burst = store.GetLastPosition();
        store.Import(BenchEvents.Generate(100, 1, seed: 7).Select((e, i) => { e.RequestId = $"burst-{run}-{i}"; return e; }));
        UsageTailPage? tail = null;
        Measure("Tail: ReadAfter returning 100 new events", () => tail = store.ReadAfter(burst), () => $"{tail!.Events.Count} events");
    }

    private static void Retention(UsageStore store)
    {
        var firstDay = BenchEvents.Start.AddDays(1);
        long count = 0;
        Measure("Remove -WhatIf: count events before day 2", () => count = store.Remove(firstDay, dryRun: true), () => $"{count:N0} events");
        Measure("Remove events before day 2", () => count = store.Remove(firstDay), () => $"{count:N0} events removed");
    }

    private static void Measure(string name, Action action, Func<string> notes)
    {
        var times = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (name.StartsWith("Remove events", StringComparison.Ordinal))
            {
                break;
            }
        }

        var value = times.Count == 1 ? $"{times[0]:N0} ms" : $"{times[0]:N0} ms first, {times.Skip(1).Min():N0} ms best of next {times.Count - 1}";
        Timings[name] = (times[0], times.Skip(1).DefaultIfEmpty(times[0]).Min());
        Report(name, value, notes());
    }

    private static void Report(string name, string value, string notes)
    {
        Console.WriteLine($"{name}: {value} ({notes})");
        Results.Add((name, value, notes));
    }
}
