// The fixture catalog: every wire format and host quirk, with the exact numbers each must yield (costs hand-computed
// from the embedded table's per-million prices).
namespace Tokentap.Engine.Tests.Providers;

internal static class FixtureCases
{
    public static readonly FixtureCase[] All =
    {
        // Claude Code's observed call: 1007*$5 + 201*$6.25 + 101*$10 + 2001*$0.50 + 53*$25 per million = $0.00962675.
        new("anthropic-sse", "anthropic-messages.sse", "api.anthropic.com", "/v1/messages?beta=true",
            """{"model":"claude-opus-4-8","max_tokens":32000,"stream":true,"thinking":{"type":"adaptive"},"messages":[{"role":"user","content":"hi"}]}""", 200,
            new("anthropic", "messages", "claude-opus-4-8", "claude-opus-4-8", 1007, 2001, 302, 101, 53, 0, 0.00962675m, true,
                "msg_01XFDUDYJgAACzvnptvVoYEL", "end_turn")),

        // claude-sonnet-4-5: 2095*$3 + 503*$15 = $0.01383.
        new("anthropic-json", "anthropic-messages.json", "api.anthropic.com", "/v1/messages",
            """{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"read main.rs"}]}""", 200,
            new("anthropic", "messages", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5", 2095, 0, 0, 0, 503, 0, 0.01383m, false,
                "msg_01Aq9w938a90dw8q", "tool_use")),

        new("anthropic-error", "anthropic-error.json", "api.anthropic.com", "/v1/messages",
            """{"model":"claude-opus-4-8","max_tokens":1024,"stream":true,"messages":[]}""", 529,
            new("anthropic", "messages", "claude-opus-4-8", "claude-opus-4-8", 0, 0, 0, 0, 0, 0, 0m, true, null, null,
                "overloaded_error: Overloaded")),

        // gpt-5.4-mini: 202*$0.75 + 2304*$0.075 + 812*$4.50 = $0.0039783.
        new("openai-chat-sse", "openai-chat.sse", "api.openai.com", "/v1/chat/completions",
            """{"model":"gpt-5.4-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"plan"}]}""", 200,
            new("openai", "chat.completions", "gpt-5.4-mini-2026-03-17", "gpt-5.4-mini", 202, 2304, 0, 0, 812, 640, 0.0039783m, true,
                "chatcmpl-C9x7Yw1", "tool_calls")),

        // gpt-4o: 176*$2.50 + 1024*$1.25 + 300*$10 = $0.00472.
        new("openai-chat-json", "openai-chat.json", "api.openai.com", "/v1/chat/completions",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"fix"}]}""", 200,
            new("openai", "chat.completions", "gpt-4o-2024-08-06", "gpt-4o", 176, 1024, 0, 0, 300, 0, 0.00472m, false,
                "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "stop")),

        new("openai-error", "openai-error.json", "api.openai.com", "/v1/chat/completions",
            """{"model":"gpt-4o","messages":[]}""", 429,
            new("openai", "chat.completions", "gpt-4o", "gpt-4o", 0, 0, 0, 0, 0, 0, 0m, false, null, null,
                "tokens: Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 30000, Requested 1200.")),

        // Azure deployment "my-gpt4o" serving gpt-4o-2024-11-20: 900*$2.50 + 150*$10 = $0.00375.
        new("azure-chat-sse", "azure-chat.sse", "contoso.openai.azure.com", "/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21",
            """{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""", 200,
            new("azure-openai", "chat.completions", "gpt-4o-2024-11-20", "my-gpt4o", 900, 0, 0, 0, 150, 0, 0.00375m, true,
                "chatcmpl-AzUre1", "stop")),

        // gpt-5.1-codex (gpt-5.1 prices): 1150*$1.25 + 14080*$0.125 + 921*$10 = $0.0124075.
        new("openai-responses-sse", "openai-responses.sse", "api.openai.com", "/v1/responses",
            """{"model":"gpt-5.1-codex","stream":true,"store":false,"input":[{"role":"user","content":"run tests"}]}""", 200,
            new("openai", "responses", "gpt-5.1-codex", "gpt-5.1-codex", 1150, 14080, 0, 0, 921, 704, 0.0124075m, true,
                "resp_68a1c0ffee", "completed")),

        new("chatgpt-codex-responses", "openai-responses.sse", "chatgpt.com", "/backend-api/codex/responses",
            """{"model":"gpt-5.1-codex","stream":true,"store":false,"input":[]}""", 200,
            new("chatgpt", "responses", "gpt-5.1-codex", "gpt-5.1-codex", 1150, 14080, 0, 0, 921, 704, 0.0124075m, true,
                "resp_68a1c0ffee", "completed")),

        // gpt-5-mini: 500*$0.25 + 120*$2 = $0.000365.
        new("openai-responses-json", "openai-responses.json", "api.openai.com", "/v1/responses",
            """{"model":"gpt-5-mini","input":"summarize"}""", 200,
            new("openai", "responses", "gpt-5-mini-2025-08-07", "gpt-5-mini", 500, 0, 0, 0, 120, 64, 0.000365m, false,
                "resp_67ccd2bed1ec8190b14f964abc054267", "completed")),

        // gemini-2.5-pro: (8120-4096)*$1.25 + 4096*$0.125 + (310+1024)*$10 = $0.018882.
        new("gemini-sse", "gemini-stream.sse", "generativelanguage.googleapis.com", "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
            """{"contents":[{"role":"user","parts":[{"text":"fix the loop"}]}]}""", 200,
            new("google", "streamGenerateContent", "gemini-2.5-pro", "gemini-2.5-pro", 4024, 4096, 0, 0, 1334, 1024, 0.018882m, true,
                "mJ4gabCdDqGg1MkP0dXJoAk", "STOP")),

        // gemini-3.5-flash-lite: 1500*$0.30 + 40*$2.50 = $0.00055.
        new("gemini-json", "gemini-generate.json", "generativelanguage.googleapis.com", "/v1beta/models/gemini-3.5-flash-lite:generateContent",
            """{"contents":[{"role":"user","parts":[{"text":"route this"}]}],"generationConfig":{"responseMimeType":"application/json"}}""", 200,
            new("google", "generateContent", "gemini-3.5-flash-lite", "gemini-3.5-flash-lite", 1500, 0, 0, 0, 40, 0, 0.00055m, false,
                "0J4gaePvIqqz1MkPv5eq0Qg", "STOP")),

        // JSON-array stream; toolUsePromptTokenCount is input: (2000+300)*$0.50 + (100+50)*$3 = $0.0016.
        new("gemini-array", "gemini-stream-array.json", "generativelanguage.googleapis.com", "/v1beta/models/gemini-3-flash-preview:streamGenerateContent",
            """{"contents":[{"role":"user","parts":[{"text":"search"}]}]}""", 200,
            new("google", "streamGenerateContent", "gemini-3-flash-preview", "gemini-3-flash-preview", 2300, 0, 0, 0, 150, 50, 0.0016m, true,
                "arr4yStreamId", "STOP")),

        new("gemini-error", "gemini-error.json", "generativelanguage.googleapis.com", "/v1beta/models/gemini-2.5-pro:generateContent",
            """{"contents":[]}""", 400,
            new("google", "generateContent", "gemini-2.5-pro", "gemini-2.5-pro", 0, 0, 0, 0, 0, 0, 0m, false, null, null,
                "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.")),

        // Code Assist, wrapped payloads; gemini-2.5-flash: 4000*$0.30 + 8000*$0.03 + 300*$2.50 = $0.00219.
        new("code-assist-sse", "codeassist-stream.sse", "cloudcode-pa.googleapis.com", "/v1internal:streamGenerateContent?alt=sse",
            """{"model":"gemini-2.5-flash","project":"proj-123","user_prompt_id":"abc","request":{"contents":[{"role":"user","parts":[{"text":"where is the config"}]}]}}""", 200,
            new("google-code-assist", "streamGenerateContent", "gemini-2.5-flash", "gemini-2.5-flash", 4000, 8000, 0, 0, 300, 100, 0.00219m, true,
                "caResp001", "STOP")),

        // deepseek-reasoner off-peak (20:00 UTC): 128*$0.135 + 1920*$0.035 + 256*$0.55 = $0.00022528.
        new("deepseek-sse", "deepseek-chat.sse", "api.deepseek.com", "/chat/completions",
            """{"model":"deepseek-reasoner","stream":true,"messages":[{"role":"user","content":"2+2"}]}""", 200,
            new("deepseek", "chat.completions", "deepseek-reasoner", "deepseek-reasoner", 128, 1920, 0, 0, 256, 180, 0.00022528m, true,
                "930c60df-bf64-41c9-a88e-3ec75f81e00e", "stop")),

        // OpenRouter reports the billed cost itself: $0.002817.
        new("openrouter-sse", "openrouter-chat.sse", "openrouter.ai", "/api/v1/chat/completions",
            """{"model":"anthropic/claude-sonnet-4.5","stream":true,"messages":[{"role":"user","content":"do it"}]}""", 200,
            new("openrouter", "chat.completions", "anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4.5", 100, 3000, 0, 0, 45, 0, 0.002817m, true,
                "gen-1763840400-AbCdEfGh", "stop")),

        // Groq, usage in x_groq: 300*$0.15 + 500*$0.60 = $0.000345.
        new("groq-sse", "groq-chat.sse", "api.groq.com", "/openai/v1/chat/completions",
            """{"model":"openai/gpt-oss-120b","stream":true,"messages":[{"role":"user","content":"fast"}]}""", 200,
            new("groq", "chat.completions", "openai/gpt-oss-120b", "openai/gpt-oss-120b", 300, 0, 0, 0, 500, 120, 0.000345m, true,
                "chatcmpl-5f1d2c3b", "stop")),

        // mistral-medium-2508: 400*$0.40 + 100*$2 = $0.00036.
        new("mistral-sse", "mistral-chat.sse", "api.mistral.ai", "/v1/chat/completions",
            """{"model":"mistral-medium-2508","stream":true,"messages":[{"role":"user","content":"salut"}]}""", 200,
            new("mistral", "chat.completions", "mistral-medium-2508", "mistral-medium-2508", 400, 0, 0, 0, 100, 0, 0.00036m, true,
                "0a1b2c3d4e5f40a1", "stop")),

        // xAI bills reasoning on top of completion_tokens: 800*$1.25 + 200*$0.20 + (100+400)*$2.50 = $0.00229.
        new("xai-json", "xai-chat.json", "api.x.ai", "/v1/chat/completions",
            """{"model":"grok-4.3","messages":[{"role":"user","content":"hi"}]}""", 200,
            new("xai", "chat.completions", "grok-4.3", "grok-4.3", 800, 200, 0, 0, 500, 400, 0.00229m, false,
                "3f1a9e2b-7c4d-4e5f-9a8b-0c1d2e3f4a5b", "stop")),

        // Together: (50+20)*$0.88 = $0.0000616.
        new("together-sse", "together-chat.sse", "api.together.xyz", "/v1/chat/completions",
            """{"model":"meta-llama/Llama-3.3-70B-Instruct-Turbo","stream":true,"messages":[{"role":"user","content":"hi"}]}""", 200,
            new("together", "chat.completions", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "meta-llama/Llama-3.3-70B-Instruct-Turbo", 50, 0, 0, 0, 20, 0, 0.0000616m, true,
                "oFhMx1Q-2j9zxn-9a1b2c3d", "stop")),
    };

    public static IEnumerable<object[]> Names() => All.Select(c => new object[] { c.Name });

    public static FixtureCase Get(string name) => All.Single(c => c.Name == name);
}
