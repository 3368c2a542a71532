// What a demo preset looks like: how many people, how busy, which agents and projects.
namespace Tokentap.Engine.Demo;

/// <summary>The shape of a preset's traffic.</summary>
/// <param name="People">The developers (each has their own projects; their sessions are named after them).</param>
/// <param name="ActiveDayChance">The chance a person works on a given day (weekends count half).</param>
/// <param name="MinConversations">Fewest conversations of a person on a working day.</param>
/// <param name="MaxConversations">Most conversations of a person on a working day.</param>
/// <param name="Agents">The agents with their weights.</param>
/// <param name="LiveInterval">The mean wait between two live requests.</param>
internal sealed record DemoProfile(
    IReadOnlyList<string> People,
    double ActiveDayChance,
    int MinConversations,
    int MaxConversations,
    IReadOnlyList<(DemoAgent Agent, int Weight)> Agents,
    TimeSpan LiveInterval)
{
    /// <summary>The projects the demo's people work on.</summary>
    public static readonly IReadOnlyList<string> Projects = ["/home/demo/src/webshop", "/home/demo/src/billing-api", "/home/demo/src/mobile-app", "/home/demo/src/data-pipeline", "/home/demo/src/infra", "/home/demo/src/docs-site"];

    public static DemoProfile For(TokentapDemoPreset preset) => preset switch
    {
        TokentapDemoPreset.Light => new(
            ["alex"], 0.7, 1, 4,
            [(DemoAgent.ClaudeCode, 5), (DemoAgent.GeminiCli, 2), (DemoAgent.OpenAiScript, 1)],
            TimeSpan.FromSeconds(6)),
        TokentapDemoPreset.Heavy => new(
            ["sam"], 0.95, 6, 14,
            [(DemoAgent.ClaudeCode, 6), (DemoAgent.Codex, 4), (DemoAgent.GeminiCli, 2), (DemoAgent.Aider, 1), (DemoAgent.OpenAiScript, 1), (DemoAgent.AnthropicScript, 1)],
            TimeSpan.FromSeconds(3)),
        TokentapDemoPreset.Team => new(
            ["ana", "ben", "chloe", "dev", "emil"], 0.85, 2, 8,
            [(DemoAgent.ClaudeCode, 5), (DemoAgent.Codex, 4), (DemoAgent.GeminiCli, 3), (DemoAgent.Aider, 2), (DemoAgent.OpenAiScript, 2), (DemoAgent.AnthropicScript, 1)],
            TimeSpan.FromSeconds(2)),
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown demo preset."),
    };

    /// <summary>An agent by the preset's weights.</summary>
    public DemoAgent PickAgent(Random random)
    {
        var roll = random.Next(Agents.Sum(a => a.Weight));
        foreach (var (agent, weight) in Agents)
        {
            if ((roll -= weight) < 0)
            {
                return agent;
            }
        }

        return Agents[^1].Agent;
    }
}
