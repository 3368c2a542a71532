// The "live" scenario: what Watch-TokenUsage costs on a large store: loading each window, refreshing with nothing or
// a few events new, sliding, and drawing a screen.
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Tokentap.Engine;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Usage;

namespace Tokentap.Bench;

/// <summary>
/// Fills a store with N events over D days (or reuses the usage.db in --dir), then measures the snapshot builder with
/// its clock set a minute before the end of the data, so every window is full. Options: --events N (1,000,000), --days D (70),
/// --dir PATH (reused when it holds a usage.db; a temp folder, deleted afterwards unless --keep, otherwise).
/// </summary>
internal static class LiveBenchmark
{
    /// <summary>Every figure of the last run, in order (read by the "all" scenario for the report).</summary>
    internal static readonly List<(string Name, string Value, string Notes)> Results = [];

    public static int Run(string[] args)
    {
        var events = BenchOptions.Int(args, "--events", 1_000_000);
        var days = BenchOptions.Int(args, "--days", 70);
        var keep = args.Contains("--keep");
        var given = BenchOptions.String(args, "--dir");
        var folder = given ?? Path.Combine(Path.GetTempPath(), "tokentap-live-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "usage.db");
        try
        {
            using var store = new UsageStore(path, TimeSpan.FromSeconds(60));
            if (store.GetLastPosition() == 0)
            {
                Console.WriteLine($"live benchmark: filling {path} with {events:N0} events over {days} days");
                BenchEvents.Fill(store, events, days);
            }

            var stored = store.Count(UsageFilter.All);
            Console.WriteLine($"live benchmark: {stored:N0} events in {path}");
            var clock = new BenchClock(BenchEvents.Start.AddDays(days).AddMinutes(-1));
            Measure(store, new TokentapPaths(folder), clock, stored);
        }
        finally
        {
            if (given is null && !keep)
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        BenchOptions.WriteTable(Results);

        return 0;
    }

    private static void Measure(UsageStore store, TokentapPaths paths, BenchClock clock, long stored)
    {
        var prices = PriceTable.Embedded();
        SnapshotBuilder NewBuilder(TokenUsageWindow window) =>
            new(store, prices, paths, new SnapshotOptions { Window = window, RecentRequests = 50 }, clock);

        foreach (var window in Enum.GetValues<TokenUsageWindow>())
        {
            TokenUsageSnapshot? snapshot = null;
            Time($"Load the {LiveWindows.NameOf(window)} window", () =>
            {
                var builder = NewBuilder(window);
                builder.Refresh();
                snapshot = builder.Snapshot;
            }, () => $"{snapshot!.Requests:N0} events ({snapshot.Requests * 100.0 / stored:N1} % of the store), {snapshot.Models.Count} models");
        }

        var india = new BenchClock(clock.GetUtcNow().UtcDateTime, TimeZoneInfo.CreateCustomTimeZone("UTC+5:30", new TimeSpan(5, 30, 0), "UTC+5:30", "UTC+5:30"));
        TokenUsageSnapshot? today = null;
        Time("Load the today window in UTC+5:30 (steps off the UTC hour: events, no rollups)", () =>
        {
            var builder = new SnapshotBuilder(store, prices, paths, new SnapshotOptions { Window = TokenUsageWindow.Today, RecentRequests = 50 }, india);
            builder.Refresh();
            today = builder.Snapshot;
        }, () => $"{today!.Requests:N0} events read one by one");

        TokenUsageSnapshot? filtered = null;
        Time("Load the 30d window, App = codex", () =>
        {
            var builder = new SnapshotBuilder(store, prices, paths, new SnapshotOptions { Window = TokenUsageWindow.Last30Days, RecentRequests = 50, Filter = new UsageFilter { App = ["codex"] } }, clock);
            builder.Refresh();
            filtered = builder.Snapshot;
        }, () => $"{filtered!.Requests:N0} events");

        var live = NewBuilder(TokenUsageWindow.Last30Days);
        live.Refresh();
        const int Calls = 200;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            live.Refresh();
            _ = live.Snapshot;
        }

        Report("Refresh with nothing new (30d window) and build the snapshot", $"{watch.Elapsed.TotalMilliseconds / Calls:N2} ms per refresh", $"mean of {Calls}; tail read, run registry, snapshot sums");

        var batch = 0;
        Time("Refresh with 100 new events (30d window)", () =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            store.Write(BenchEvents.Generate(100, 1, seed: 100 + batch).Select((e, i) =>
            {
                e.Timestamp = now.AddMilliseconds(-i);
                e.RequestId = $"live-bench-{batch}-{i}";
                return e;
            }).ToList());
            batch++;
            live.Refresh();
            _ = live.Snapshot;
        }, () => "includes writing the 100 events");

        var minute = NewBuilder(TokenUsageWindow.LastHour);
        minute.Refresh();
        Time("Refresh after the clock moved a minute (1h window slides)", () =>
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            minute.Refresh();
            _ = minute.Snapshot;
        }, () => "drops the oldest step");

        var screen = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.TrueColor, Out = new AnsiConsoleOutput(TextWriter.Null) });
        screen.Profile.Width = 160;
        screen.Profile.Height = 48;
        var state = new LiveScreenState { NowUtc = clock.GetUtcNow().UtcDateTime, Zone = TimeZoneInfo.Utc };
        Time("Draw one 160x48 screen (render and write)", () => screen.Write(SnapshotRenderer.Render(live.Snapshot, state, 160, 48)), () => "Spectre.Console to a null writer");
    }

    private static void Time(string name, Action action, Func<string> notes)
    {
        var times = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        Report(name, $"{times[0]:N1} ms first, {times.Skip(1).Min():N1} ms best of next 2", notes());
    }

    private static void Report(string name, string value, string notes)
    {
        Console.WriteLine($"{name}: {value} ({notes})");
        Results.Add((name, value, notes));
    }

    /// <summary>A clock fixed near the end of the generated data (in UTC unless told), moved only by the benchmark.</summary>
    private sealed class BenchClock(DateTime utcNow, TimeZoneInfo? zone = null) : TimeProvider
    {
        private DateTimeOffset _now = new(utcNow, TimeSpan.Zero);

        public override TimeZoneInfo LocalTimeZone => zone ?? TimeZoneInfo.Utc;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
