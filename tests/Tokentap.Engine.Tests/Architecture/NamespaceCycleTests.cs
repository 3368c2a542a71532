// The engine's folders depend on each other in one direction only: no namespace cycle (the Facade may use everything).
using Tokentap.Engine.Facade;

namespace Tokentap.Engine.Tests.Architecture;

public sealed class NamespaceCycleTests
{
    private const string FacadeNamespace = "Tokentap.Engine.Facade";

    [Fact]
    public void The_engine_namespaces_form_no_cycle()
    {
        Assert.Equal(FacadeNamespace, typeof(TokentapEngine).Namespace);
        var edges = NamespaceReferences.Read(typeof(TokentapEngine).Assembly.Location).Edges
            .Where(e => e.From.StartsWith("Tokentap.Engine", StringComparison.Ordinal) && e.To.StartsWith("Tokentap.Engine", StringComparison.Ordinal))
            .Where(e => e.From != FacadeNamespace)
            .ToList();

        var cycles = StronglyConnected(edges.Select(e => (e.From, e.To)))
            .Where(component => component.Count > 1)
            .Select(component => Describe(component, edges))
            .ToList();

        Assert.True(cycles.Count == 0, "namespace cycles in Tokentap.Engine:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void The_reader_sees_references_in_signatures_fields_and_method_bodies()
    {
        var edges = NamespaceReferences.Read(typeof(TokentapEngine).Assembly.Location).Edges;

        // A constructor parameter (UsageObserver takes a PriceTable), a field (UsageTap keeps the ClientProcess) and
        // only a method body (UsageTap.Estimate calls TokenEstimator; no field or signature of UsageTap names it).
        Assert.Contains(edges, e => e.FromType == "Tokentap.Engine.Providers.UsageObserver" && e.ToType == "Tokentap.Engine.Pricing.PriceTable");
        Assert.Contains(edges, e => e.FromType == "Tokentap.Engine.Providers.UsageTap" && e.ToType == "Tokentap.Engine.Clients.ClientProcess");
        Assert.Contains(edges, e => e.FromType == "Tokentap.Engine.Providers.UsageTap" && e.ToType == "Tokentap.Engine.Tokenizing.TokenEstimator");
        Assert.DoesNotContain(edges, e => e.From == e.To);
    }

    // Each component of the graph (Tarjan), as a sorted list of namespaces.
    private static List<List<string>> StronglyConnected(IEnumerable<(string From, string To)> edgeList)
    {
        var graph = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (from, to) in edgeList)
        {
            (graph.TryGetValue(from, out var targets) ? targets : graph[from] = new SortedSet<string>(StringComparer.Ordinal)).Add(to);
            graph.TryAdd(to, new SortedSet<string>(StringComparer.Ordinal));
        }

        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph[node])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                component.Sort(StringComparer.Ordinal);
                components.Add(component);
            }
        }

        foreach (var node in graph.Keys)
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }

    // "A <-> B" and, for each edge inside the component, which types make it.
    private static string Describe(List<string> component, List<(string From, string To, string FromType, string ToType)> edges)
    {
        var inside = edges
            .Where(e => component.Contains(e.From) && component.Contains(e.To))
            .GroupBy(e => (e.From, e.To))
            .OrderBy(g => g.Key.From, StringComparer.Ordinal)
            .ThenBy(g => g.Key.To, StringComparer.Ordinal)
            .Select(g => $"  {g.Key.From} -> {g.Key.To}: " + string.Join(", ", g.Select(e => $"{e.FromType} -> {e.ToType}").Distinct().Order(StringComparer.Ordinal)));
        return string.Join(" <-> ", component) + "\n" + string.Join("\n", inside);
    }
}
