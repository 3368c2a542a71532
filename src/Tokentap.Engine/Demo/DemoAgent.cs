// The agents and scripts the demo pretends to be, with the models they call and the shape of their requests.
namespace Tokentap.Engine.Demo;

/// <summary>
/// A calling application of the demo. Conversations of an agent grow: each request reads the previous context from
/// the prompt cache (when <see cref="CacheReads"/>) and adds new tokens, written to the cache when
/// <see cref="CacheWrites"/> (Anthropic's explicit caching) or sent uncached.
/// </summary>
internal sealed record DemoAgent(
    string App,
    string AppVersion,
    string ProcessName,
    IReadOnlyList<DemoModel> Models,
    bool CacheReads,
    bool CacheWrites,
    int MinTurns,
    int MaxTurns,
    int MinNewTokens,
    int MaxNewTokens,
    int MinOutput,
    int MaxOutput,
    bool Reasoning)
{
    private const string Anthropic = "api.anthropic.com";
    private const string OpenAi = "api.openai.com";
    private const string Google = "generativelanguage.googleapis.com";

    public static readonly DemoAgent ClaudeCode = new(
        "claude-code", "2.1.197", "claude",
        [new("claude-sonnet-4-5", "anthropic", Anthropic, "messages", 5), new("claude-opus-4-8", "anthropic", Anthropic, "messages", 3), new("claude-haiku-4-5", "anthropic", Anthropic, "messages", 2)],
        CacheReads: true, CacheWrites: true, MinTurns: 4, MaxTurns: 40, MinNewTokens: 300, MaxNewTokens: 6000, MinOutput: 80, MaxOutput: 2500, Reasoning: false);

    public static readonly DemoAgent Codex = new(
        "codex", "0.169.0", "codex",
        [new("gpt-5.4", "openai", OpenAi, "responses", 4), new("gpt-5", "openai", OpenAi, "responses", 2), new("gpt-5.4-mini", "openai", OpenAi, "responses", 2)],
        CacheReads: true, CacheWrites: false, MinTurns: 3, MaxTurns: 30, MinNewTokens: 400, MaxNewTokens: 5000, MinOutput: 100, MaxOutput: 3000, Reasoning: true);

    public static readonly DemoAgent GeminiCli = new(
        "gemini-cli", "0.61.0", "node",
        [new("gemini-2.5-pro", "google", Google, "streamGenerateContent", 3), new("gemini-2.5-flash", "google", Google, "streamGenerateContent", 4)],
        CacheReads: true, CacheWrites: false, MinTurns: 2, MaxTurns: 20, MinNewTokens: 500, MaxNewTokens: 8000, MinOutput: 100, MaxOutput: 2000, Reasoning: true);

    public static readonly DemoAgent Aider = new(
        "aider", "0.86.1", "python3",
        [new("claude-sonnet-4-5", "anthropic", Anthropic, "messages", 3), new("gpt-4.1", "openai", OpenAi, "chat.completions", 2)],
        CacheReads: true, CacheWrites: true, MinTurns: 2, MaxTurns: 15, MinNewTokens: 800, MaxNewTokens: 9000, MinOutput: 150, MaxOutput: 2500, Reasoning: false);

    public static readonly DemoAgent OpenAiScript = new(
        "openai-python", "2.8.0", "python3",
        [new("gpt-5-mini", "openai", OpenAi, "chat.completions", 3), new("gpt-4.1-mini", "openai", OpenAi, "chat.completions", 2)],
        CacheReads: false, CacheWrites: false, MinTurns: 1, MaxTurns: 12, MinNewTokens: 200, MaxNewTokens: 3000, MinOutput: 50, MaxOutput: 800, Reasoning: false);

    public static readonly DemoAgent AnthropicScript = new(
        "anthropic-node", "1.12.0", "node",
        [new("claude-haiku-4-5", "anthropic", Anthropic, "messages", 1)],
        CacheReads: false, CacheWrites: false, MinTurns: 1, MaxTurns: 10, MinNewTokens: 200, MaxNewTokens: 2500, MinOutput: 40, MaxOutput: 600, Reasoning: false);

    /// <summary>A model by the agent's weights.</summary>
    public DemoModel PickModel(Random random)
    {
        var roll = random.Next(Models.Sum(m => m.Weight));
        foreach (var model in Models)
        {
            if ((roll -= model.Weight) < 0)
            {
                return model;
            }
        }

        return Models[^1];
    }
}
