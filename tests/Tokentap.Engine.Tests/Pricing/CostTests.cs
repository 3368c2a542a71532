// Costs from the embedded table against hand-computed prices: cache writes 5m/1h, cache reads, reasoning, long-context
// tiers, dated price changes and DeepSeek's peak hours.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Tests.Pricing;

public sealed class CostTests
{
    private static readonly PriceTable Table = PriceTable.Embedded();
    private static readonly DateTime Today = new(2026, 11, 22, 20, 0, 0, DateTimeKind.Utc);

    public static IEnumerable<object[]> Cases() => new[]
    {
        // model, provider, at (UTC), input, cache read, cache write, of which 1h, output, expected USD
        // Claude Code's own figure for this call: 1007*5 + 201*6.25 + 101*10 + 2001*0.5 + 53*25 per million.
        Row("claude-opus-4-8", "anthropic", Today, 1007, 2001, 302, 101, 53, 0.00962675m),
        // Prompt 220k > 200k: the whole request at the long-context rates 6 / 0.6 / 7.5 / 12 / 22.5.
        Row("claude-sonnet-4-5-20250929", "anthropic", Today, 150_000, 60_000, 10_000, 4_000, 2_000, 1.074m),
        // Prompt exactly 200k is not above the threshold: base rates 3 / 0.3 / 3.75 / 6 / 15.
        Row("claude-sonnet-4-5", "anthropic", Today, 130_000, 60_000, 10_000, 4_000, 2_000, 0.4845m),
        // 1h writes at $2, output $5.
        Row("claude-haiku-4-5-20251001", "anthropic", Today, 1_000, 0, 2_000, 2_000, 100, 0.0055m),
        // Opus 4.6 dropped its long-context tier on 2026-03-13: flat $5/$25 now, $10/$37.50 before.
        Row("claude-opus-4-6", "anthropic", Today, 250_000, 0, 0, 0, 1_000, 1.275m),
        Row("claude-opus-4-6", "anthropic", new DateTime(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc), 250_000, 0, 0, 0, 1_000, 2.5375m),
        // 1h write price $1.60 for claude-3-5-haiku.
        Row("claude-3-5-haiku-20241022", "anthropic", Today, 0, 0, 1_000, 1_000, 0, 0.0016m),
        Row("gpt-4.1-2025-04-14", "openai", Today, 10_000, 90_000, 0, 0, 500, 0.069m),
        // gpt-5.4 above 271,999 prompt tokens: 5 / 0.5 / 22.5.
        Row("gpt-5.4", "openai", Today, 200_000, 80_000, 0, 0, 10_000, 1.265m),
        // o3's price cut of 2025-06-10: $2/$8 now, $10/$40 before; reasoning is inside output.
        Row("o3-2025-04-16", "openai", Today, 1_000, 0, 0, 0, 5_000, 0.042m),
        Row("o3", "openai", new DateTime(2025, 5, 1, 0, 0, 0, DateTimeKind.Utc), 1_000, 0, 0, 0, 5_000, 0.21m),
        // gpt-5.6-sol since 2026-08-21 bills cache writes: 4 / 0.4 / 5 / 20.
        Row("gpt-5.6-sol", "openai", Today, 10_000, 10_000, 10_000, 0, 1_000, 0.114m),
        // Azure deployments are priced by the model the response names.
        Row("gpt-4o-2024-11-20", "azure-openai", Today, 900, 0, 0, 0, 150, 0.00375m),
        // gemini-2.5-pro prompt 210k > 200k: 2.5 / 0.25 / 15.
        Row("gemini-2.5-pro", "google", Today, 150_000, 60_000, 0, 0, 3_000, 0.435m),
        Row("models/gemini-2.5-flash", "google-code-assist", Today, 4_000, 8_000, 0, 0, 300, 0.00219m),
        // gemini-3.6-flash's introductory price ends 2027-01-01.
        Row("gemini-3.6-flash", "google", Today, 100_000, 0, 0, 0, 10_000, 0.1125m),
        Row("gemini-3.6-flash", "google", new DateTime(2027, 2, 1, 0, 0, 0, DateTimeKind.Utc), 100_000, 0, 0, 0, 10_000, 0.225m),
        // deepseek-chat: peak 00:30-16:30 UTC at 0.27 / 0.07 / 1.10, off-peak at half.
        Row("deepseek-chat", "deepseek", new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc), 1_000, 9_000, 0, 0, 500, 0.00145m),
        Row("deepseek-chat", "deepseek", Today, 1_000, 9_000, 0, 0, 500, 0.000725m),
        // deepseek-v4-pro: peak window 01:00-04:00 UTC 1.32 / 0.044 / 3.96, off-peak 0.66 / 0.022 / 1.98.
        Row("deepseek-v4-pro", "deepseek", new DateTime(2026, 11, 22, 2, 0, 0, DateTimeKind.Utc), 1_000, 1_000, 0, 0, 1_000, 0.005324m),
        Row("deepseek-v4-pro", "deepseek", new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc), 1_000, 1_000, 0, 0, 1_000, 0.002662m),
        Row("mistral-large-2512", "mistral", Today, 10_000, 0, 0, 0, 2_000, 0.008m),
        Row("codestral-2508", "mistral", Today, 1_000, 0, 0, 0, 1_000, 0.0012m),
        Row("grok-code-fast-1", "xai", Today, 5_000, 20_000, 0, 0, 3_000, 0.0059m),
        Row("openai/gpt-oss-20b", "groq", Today, 10_000, 0, 0, 0, 10_000, 0.00375m),
        Row("anthropic/claude-sonnet-4.5", "openrouter", Today, 1_000, 0, 0, 0, 1_000, 0.018m),
    };

    private static object[] Row(string model, string provider, DateTime at, long input, long cacheRead, long cacheWrite, long cacheWrite1h, long output, decimal expected) =>
        new object[] { model, provider, at, input, cacheRead, cacheWrite, cacheWrite1h, output, expected };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cost_matches_the_hand_computed_price(string model, string provider, DateTime at, long input, long cacheRead, long cacheWrite, long cacheWrite1h, long output, decimal expected)
    {
        var usage = new UsageEvent
        {
            Model = model,
            Provider = provider,
            Timestamp = at,
            InputTokens = input,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            CacheWrite1hTokens = cacheWrite1h,
            OutputTokens = output,
        };

        Assert.Equal(expected, Table.Cost(usage));
    }

    [Fact]
    public void Unknown_model_costs_null_with_one_warning_per_model()
    {
        var table = PriceTable.Embedded();
        var usage = new UsageEvent { Model = "my-local-llama-7b", Provider = "openai", Timestamp = Today, InputTokens = 100, OutputTokens = 10 };

        Assert.Null(table.Cost(usage));
        Assert.Null(table.Cost(usage));
        Assert.Null(table.Cost(new UsageEvent { Model = "other-unknown", Provider = "openai", Timestamp = Today }));

        var warnings = table.DrainWarnings();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("my-local-llama-7b", warnings[0]);
        Assert.Contains("other-unknown", warnings[1]);
        Assert.Empty(table.DrainWarnings());
    }

    [Fact]
    public void Request_model_prices_the_event_when_the_response_named_none()
    {
        var usage = new UsageEvent { RequestModel = "claude-opus-4-8", Provider = "anthropic", Timestamp = Today, InputTokens = 1_000_000 };
        Assert.Equal(5m, Table.Cost(usage));
    }

    [Fact]
    public void The_embedded_table_is_dated_and_sourced_and_covers_the_current_models()
    {
        foreach (var id in new[] { "claude-opus-4-8", "claude-sonnet-4-6", "claude-haiku-4-5", "gpt-5.5", "gpt-5.4-mini", "gemini-3.5-flash", "gemini-3-flash-preview", "deepseek-v4-flash", "mistral-medium-3-5", "grok-4.5" })
        {
            var model = Table.Resolve(id);
            Assert.NotNull(model);
            Assert.Equal(id, model.Id);
            Assert.Equal(new DateOnly(2026, 12, 5), model.Retrieved);
            Assert.StartsWith("@pydantic/genai-prices@", model.Source);
            Assert.NotNull(model.ContextWindow);
        }

        Assert.Equal(1_000_000, Table.Resolve("claude-opus-4-8")!.ContextWindow);
    }
}
