// The "budget" scenario: what the budget check adds to each request on the proxy path, and to each published event.
using System.Diagnostics;
using System.Text;
using Tokentap.Engine;
using Tokentap.Engine.Budgets;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Usage;

namespace Tokentap.Bench;

/// <summary>
/// Ten budgets (five Block, none spent, so the check visits all of them; scopes by app, model, provider, project and
/// session), a started monitor on a temporary store, and a 24 KB Claude Code messages request. Measures the gate's
/// Check (route, request facts, app, the budget loop) per request, the same with no Block budget (its early exit), and
/// counting one published event. Options: --iterations N (200,000).
/// </summary>
internal static class BudgetBenchmark
{
    public static int Run(string[] args)
    {
        var iterations = BenchOptions.Int(args, "--iterations", 200_000);
        var folder = Directory.CreateTempSubdirectory("tokentap-budget-bench-").FullName;
        var results = new List<(string Name, string Value, string Notes)>();
        try
        {
            var paths = new TokentapPaths(folder);
            using var store = new UsageStore(paths.DatabasePath);
            BudgetFile.Save(BudgetFile.PathIn(paths), new BudgetBook { Budgets = Budgets(block: true) });
            using var monitor = new BudgetMonitor(paths, () => store, _ => Task.CompletedTask, new BudgetOptions { RefreshInterval = TimeSpan.FromHours(1) });
            monitor.Start(DateTime.UtcNow);
            var request = Request();
            var gate = monitor.Gate;
            if (gate.Check(request) is not null)
            {
                throw new InvalidOperationException("the benchmark request was refused: no budget may be spent");
            }

            var perCheck = Measure(iterations, () => gate.Check(request));
            results.Add(("Budget check per request (10 budgets, 5 Block)", $"{perCheck:N2} µs", "route + the body's model (its first member) + app + the budget loop"));

            BudgetFile.Save(BudgetFile.PathIn(paths), new BudgetBook { Budgets = Budgets(block: false) });
            monitor.ForgetFileStamp();
            monitor.RefreshOnce();
            var warnOnly = Measure(iterations, () => gate.Check(request));
            results.Add(("Budget check per request (10 Warn budgets)", $"{warnOnly:N2} µs", "no Block budget: the gate returns at once"));

            var sink = monitor.Wrap(new NullSink());
            var usage = new UsageEvent { Timestamp = DateTime.UtcNow, Provider = "anthropic", Model = "claude-opus-4-8", App = "claude-code", Project = "/src/app", Cost = 0.0001m, StatusCode = 200 };
            var perEvent = MeasureBatches(iterations / 10, () => sink.Publish(usage), monitor.RefreshOnce);
            results.Add(("Budget count per published event (10 budgets)", $"{perEvent:N2} µs", "on the observer worker, not the client path; a refresh (untimed) after every 100 events"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        foreach (var line in BenchOptions.Table(results))
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static double Measure(int iterations, Action action)
    {
        // A second of warm-up: the JIT's background tiering needs that long to settle (as in the proxy scenario).
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1000)
        {
            action();
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        return watch.Elapsed.TotalMicroseconds / iterations;
    }

    // Like Measure, but runs `between` (untimed) after every 100 calls, as the refresh loop empties the unwritten list.
    private static double MeasureBatches(int iterations, Action action, Action between)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1000)
        {
            for (var i = 0; i < 100; i++)
            {
                action();
            }

            between();
        }

        var timed = TimeSpan.Zero;
        for (var done = 0; done < iterations; done += 100)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 100; i++)
            {
                action();
            }

            timed += watch.Elapsed;
            between();
        }

        return timed.TotalMicroseconds / iterations;
    }

    private static BudgetDefinition[] Budgets(bool block)
    {
        BudgetPeriod.TryParse("Day", out var day, out _);
        BudgetPeriod.TryParse("5h", out var rolling, out _);
        UsageFilter[] scopes =
        [
            new() { App = ["codex"] }, new() { Model = ["gpt-*"] }, new() { Provider = ["google"] }, new() { Project = ["/other/*"] },
            new() { Session = ["ci-*"] }, new() { App = ["claude-code"] }, new() { Model = ["claude-*"] }, new() { Provider = ["anthropic"] },
            new() { Project = ["/src/*"] }, UsageFilter.All,
        ];
        return scopes.Select((scope, i) => new BudgetDefinition
        {
            Name = "b" + i,
            Amount = 1_000,
            Period = i % 2 == 0 ? day : rolling,
            Action = block && i % 2 == 0 ? BudgetAction.Block : BudgetAction.Warn,
            TimeZoneId = "UTC",
            Scope = scope,
        }).ToArray();
    }

    private static ExchangeRequest Request()
    {
        var body = new StringBuilder("{\"model\":\"claude-opus-4-8\",\"max_tokens\":32000,\"stream\":true,\"messages\":[");
        for (var i = 0; body.Length < 24 * 1024; i++)
        {
            body.Append(i == 0 ? "" : ",").Append("{\"role\":\"user\",\"content\":\"").Append(new string('x', 400)).Append("\"}");
        }

        body.Append("]}");
        var headers = new HeaderList();
        headers.Add("user-agent", "claude-cli/2.1.197 (external, sdk-cli)");
        headers.Add("x-app", "cli");
        return new ExchangeRequest(Encoding.UTF8.GetBytes(body.ToString()))
        {
            Host = "api.anthropic.com",
            Port = 443,
            Method = "POST",
            PathAndQuery = "/v1/messages?beta=true",
            Headers = headers,
            Route = ProxyRoute.Connect,
            StartedUtc = DateTime.UtcNow,
            Tags = new ExchangeTags("bench", null, null),
            Client = new Engine.Clients.ClientProcess(1, "claude", "/src/app"),
        };
    }

    private sealed class NullSink : IUsageSink
    {
        public void Publish(UsageEvent usageEvent)
        {
        }
    }
}
