// One realistic billed call per wire format, its prompts full of the corpus's secrets, with the fixture it streams back.
using System.Text.Json.Nodes;

namespace Tokentap.Engine.Tests.Content;

internal sealed record Call(
    string Host,
    string Path,
    string Fixture,
    string Body,
    string System,
    (string Role, string Text)[] Messages,
    string Response,
    (string Name, string Arguments)[] ToolCalls);

internal static class Calls
{
    // A 36 KB PNG as base64 (the real PNG signature, then zeros).
    private static readonly string Image = Convert.ToBase64String(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.Concat(new byte[36 * 1024 - 8]).ToArray());

    private static readonly string System = "You are a careful assistant. Never print keys like " + SecretCorpus.All[0].Secret + ".";

    private static readonly string First = string.Join("\n\n", SecretCorpus.All.Take(14).Select(s => s.Prompt));

    private static readonly string Second = string.Join("\n\n", SecretCorpus.All.Skip(14).Select(s => s.Prompt));

    public static Call Get(string format) => format switch
    {
        "anthropic" => new(
            "api.anthropic.com",
            "/v1/messages?beta=true",
            "anthropic-messages.sse",
            new JsonObject
            {
                ["model"] = "claude-opus-4-8",
                ["max_tokens"] = 1024,
                ["stream"] = true,
                ["system"] = System,
                ["tools"] = new JsonArray(new JsonObject { ["name"] = "read_file", ["input_schema"] = new JsonObject { ["type"] = "object" } }),
                ["messages"] = new JsonArray(
                    new JsonObject { ["role"] = "user", ["content"] = First },
                    new JsonObject { ["role"] = "assistant", ["content"] = "Which file?" },
                    new JsonObject
                    {
                        ["role"] = "user",
                        ["content"] = new JsonArray(
                            new JsonObject { ["type"] = "text", ["text"] = Second },
                            new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = Image } }),
                    }),
            }.ToJsonString(),
            System,
            [("user", First), ("assistant", "Which file?"), ("user", Second + "\n[image] [image/png base64, 36 KB omitted]")],
            "Hello! Grüße aus dem Proxy — how can I help? 👋",
            []),
        "openai-chat" => new(
            "api.openai.com",
            "/v1/chat/completions",
            "openai-chat.sse",
            new JsonObject
            {
                ["model"] = "gpt-5.4-mini",
                ["stream"] = true,
                ["tools"] = new JsonArray(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "read_file" } }),
                ["messages"] = new JsonArray(
                    new JsonObject { ["role"] = "system", ["content"] = System },
                    new JsonObject { ["role"] = "user", ["content"] = First },
                    new JsonObject
                    {
                        ["role"] = "user",
                        ["content"] = new JsonArray(
                            new JsonObject { ["type"] = "text", ["text"] = Second },
                            new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "data:image/png;base64," + Image } }),
                    }),
            }.ToJsonString(),
            System,
            [("system", System), ("user", First), ("user", Second + "\n[image_url] [image/png base64, 36 KB omitted]")],
            "Here is the plan:",
            [("run_tests", "{\"path\":\"tests/\"}")]),
        "openai-responses" => new(
            "api.openai.com",
            "/v1/responses",
            "openai-responses.sse",
            new JsonObject
            {
                ["model"] = "gpt-5.1-codex",
                ["stream"] = true,
                ["instructions"] = System,
                ["tools"] = new JsonArray(new JsonObject { ["type"] = "function", ["name"] = "read_file" }),
                ["input"] = new JsonArray(
                    new JsonObject { ["type"] = "message", ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = First }) },
                    new JsonObject
                    {
                        ["type"] = "message",
                        ["role"] = "user",
                        ["content"] = new JsonArray(
                            new JsonObject { ["type"] = "input_text", ["text"] = Second },
                            new JsonObject { ["type"] = "input_image", ["image_url"] = "data:image/png;base64," + Image }),
                    }),
            }.ToJsonString(),
            System,
            [("user", First), ("user", Second + "\n[input_image] [image/png base64, 36 KB omitted]")],
            "I ran the tests; all 42 pass.",
            []),
        _ => new(
            "generativelanguage.googleapis.com",
            "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
            "gemini-stream.sse",
            new JsonObject
            {
                ["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = System }) },
                ["tools"] = new JsonArray(new JsonObject { ["functionDeclarations"] = new JsonArray(new JsonObject { ["name"] = "read_file" }) }),
                ["contents"] = new JsonArray(
                    new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = First }) },
                    new JsonObject
                    {
                        ["role"] = "user",
                        ["parts"] = new JsonArray(
                            new JsonObject { ["text"] = Second },
                            new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "image/png", ["data"] = Image } }),
                    }),
            }.ToJsonString(),
            System,
            [("user", First), ("user", Second + "\n[image/png] [image/png base64, 36 KB omitted]")],
            "Here is the fix for the off-by-one error in the loop.",
            []),
    };
}
