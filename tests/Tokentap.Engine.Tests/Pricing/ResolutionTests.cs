// Model id resolution: dated snapshots, aliases, provider prefixes, Gemini's models/ prefix, host-specific catalogs.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Tests.Pricing;

public sealed class ResolutionTests
{
    private static readonly PriceTable Table = PriceTable.Embedded();

    [Theory]
    [InlineData("claude-sonnet-4-5-20250929", "anthropic", "claude-sonnet-4-5")]
    [InlineData("claude-sonnet-4.5", null, "claude-sonnet-4-5")]
    [InlineData("claude-sonnet-4-5@20250929", null, "claude-sonnet-4-5")]
    [InlineData("anthropic/claude-sonnet-4.5", "openrouter", "claude-sonnet-4-5")]
    [InlineData("us.anthropic.claude-opus-4-8-v1:0", null, "claude-opus-4-8")]
    [InlineData("CLAUDE-OPUS-4-8", null, "claude-opus-4-8")]
    [InlineData("models/gemini-2.5-flash", "google", "gemini-2.5-flash")]
    [InlineData("google/gemini-2.5-pro", "openrouter", "gemini-2.5-pro")]
    [InlineData("gpt-4o-2024-08-06", "openai", "gpt-4o")]
    [InlineData("openai/gpt-5.4-mini", "openrouter", "gpt-5.4-mini")]
    [InlineData("gpt-5.1-codex", "chatgpt", "gpt-5.1")]
    [InlineData("mistral-large-2411", "mistral", "mistral-large")]
    [InlineData("deepseek/deepseek-chat", "openrouter", "deepseek-chat")]
    [InlineData("x-ai/grok-4.3", "openrouter", "grok-4.3")]
    [InlineData("grok-4.3-20261001", "xai", "grok-4.3")]
    [InlineData("gemini-2.5-flash-lite-preview-09-2025", "google", "gemini-2.5-flash-lite")]
    public void Reported_ids_resolve_to_the_priced_model(string reported, string? provider, string expected)
    {
        Assert.Equal(expected, Table.Resolve(reported, provider)?.Id);
    }

    [Fact]
    public void The_billing_host_decides_between_catalogs()
    {
        Assert.Equal("groq", Table.Resolve("openai/gpt-oss-120b", "groq")?.Provider);
        Assert.Equal("openai", Table.Resolve("gpt-oss-120b", "openai")?.Provider);
        Assert.Equal("openai", Table.Resolve("openai/gpt-oss-120b", "openai")?.Provider);
    }

    [Theory]
    [InlineData("my-local-llama")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_or_empty_ids_resolve_to_nothing(string? reported)
    {
        Assert.Null(Table.Resolve(reported, "openai"));
    }
}
