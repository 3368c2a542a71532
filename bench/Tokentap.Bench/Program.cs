// Benchmark entry point: picks a scenario by name and passes it the remaining arguments.
using Tokentap.Bench;

var scenarios = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["store"] = StoreBenchmark.Run,
    ["live"] = LiveBenchmark.Run,
};

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine("usage: Tokentap.Bench <scenario> [options]");
    Console.Error.WriteLine("scenarios: " + string.Join(", ", scenarios.Keys));
    return 2;
}

return scenario(args[1..]);
