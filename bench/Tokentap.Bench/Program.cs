// Benchmark entry point: picks a scenario by name and passes it the remaining arguments.
using Tokentap.Bench;

var scenarios = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["all"] = AllBenchmarks.Run,
    ["proxy"] = ProxyBenchmark.Run,
    ["store"] = StoreBenchmark.Run,
    ["ingest"] = IngestBenchmark.Run,
    ["live"] = LiveBenchmark.Run,
    ["coldstart"] = ColdStartBenchmark.Run,
    ["import"] = ImportBenchmark.Run,
    ["budget"] = BudgetBenchmark.Run,
    ["profile"] = ProfileBenchmark.Run,
    ["pwsh"] = PwshStartBenchmark.Run,
    ["compare"] = CompareBenchmark.Run,
    ["dashboard"] = DashboardBenchmark.Run,
    ["export"] = ExportBenchmark.Run,
    ["capture"] = CaptureBenchmark.Run,
    ["lookup"] = LookupBenchmark.Run,
    ["load"] = LoadBenchmark.Run,
    ["hotpath"] = HotPathBenchmark.Run,
};

// Child processes the scenarios start; not scenarios of their own.
var children = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["tokentap-host"] = TokentapHost.Run,
    ["coldstart-child"] = ColdStartBenchmark.RunChild,
    ["store-query-child"] = StoreBenchmark.RunQueryChild,
};

if (args.Length > 0 && children.TryGetValue(args[0], out var child))
{
    return child(args[1..]);
}

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine("usage: Tokentap.Bench <scenario> [options]");
    Console.Error.WriteLine("scenarios: " + string.Join(", ", scenarios.Keys));
    return 2;
}

return scenario(args[1..]);
