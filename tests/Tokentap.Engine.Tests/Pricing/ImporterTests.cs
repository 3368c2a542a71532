// The three importers (LiteLLM, genai-prices, models.dev) read their formats into override entries that price correctly.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Tests.Pricing;

public sealed class ImporterTests : IDisposable
{
    private static readonly DateOnly Imported = new(2026, 11, 22);
    private static readonly DateTime Evening = new(2026, 11, 22, 20, 0, 0, DateTimeKind.Utc);
    private readonly string _folder = Directory.CreateTempSubdirectory("tt-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LiteLlm_per_token_prices_become_per_million_with_1h_writes_and_the_200k_tier()
    {
        var path = Write("model_prices_and_context_window.json", """
        {
          "sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers", "mode": "one of: chat, embedding, completion"},
          "claude-sonnet-4-5-20250929": {
            "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
            "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06,
            "cache_read_input_token_cost": 3e-07,
            "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05,
            "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06, "cache_read_input_token_cost_above_200k_tokens": 6e-07,
            "cache_creation_input_token_cost_above_1hr_above_200k_tokens": 1.2e-05,
            "litellm_provider": "anthropic", "max_input_tokens": 200000, "max_output_tokens": 64000, "mode": "chat"
          },
          "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0.0, "litellm_provider": "openai", "mode": "embedding"},
          "my-finetune": {"input_cost_per_token": 1.0000000000000001e-06, "output_cost_per_token": 2e-06, "litellm_provider": "openai", "mode": "chat", "max_input_tokens": 128000}
        }
        """);

        var models = new LiteLlmPriceImporter().Import(path, Imported).Models;

        Assert.Equal(new[] { "claude-sonnet-4-5-20250929", "my-finetune" }, models.Select(m => m.Id));
        var sonnet = models[0];
        Assert.Equal("anthropic", sonnet.Provider);
        Assert.Equal(200_000, sonnet.ContextWindow);
        Assert.Equal("LiteLLM model_prices_and_context_window.json", sonnet.Source);
        Assert.Equal(Imported, sonnet.Retrieved);
        var period = Assert.Single(sonnet.Periods);
        Assert.Equal(new PriceRates { Input = 3m, Output = 15m, CacheRead = 0.3m, CacheWrite5m = 3.75m, CacheWrite1h = 6m }, period.Rates);
        Assert.Equal(200_000, period.LongContextAbove);
        Assert.Equal(new PriceRates { Input = 6m, Output = 22.5m, CacheRead = 0.6m, CacheWrite5m = 7.5m, CacheWrite1h = 12m }, period.LongContext);
        Assert.Equal(new PriceRates { Input = 1m, Output = 2m }, models[1].Periods[0].Rates);

        // 100k*6 + 50k*0.6 + 30k*7.5 + 30k*12 + 1k*22.5 per million: prompt 210k is above the tier.
        Assert.Equal(1.2375m, sonnet.Cost(new TokenCounts(100_000, 50_000, 60_000, 30_000, 1_000), Evening));
    }

    [Fact]
    public void GenAiPrices_data_keeps_match_rules_tiers_and_daily_windows()
    {
        var path = Write("data.json", """
        [
          {"id": "anthropic", "name": "Anthropic", "api_pattern": "https://api\\.anthropic\\.com", "models": [
            {"id": "claude-new-9", "match": {"or": [{"starts_with": "claude-new-9"}, {"equals": "claude-9-new"}]}, "context_window": 500000,
             "prices": {"input_mtok": {"base": 2, "tiers": [{"start": 200000, "price": 4}]}, "output_mtok": 10, "cache_read_mtok": 0.2, "cache_write_mtok": 2.5, "cache_write_1h_mtok": 4}},
            {"id": "audio-only", "match": {"equals": "audio-only"}, "prices": {"input_audio_mtok": 5}}
          ]},
          {"id": "deepseek", "name": "DeepSeek", "api_pattern": "x", "models": [
            {"id": "deepseek-x", "match": {"equals": "deepseek-x"}, "prices": [
              {"prices": {"input_mtok": 0.1, "output_mtok": 0.2}},
              {"constraint": {"type": "time_of_date", "start_time": "00:30:00Z", "end_time": "16:30:00Z"}, "prices": {"input_mtok": 0.2, "output_mtok": 0.4}}
            ]}
          ]}
        ]
        """);

        var models = new GenAiPricesImporter().Import(path, Imported).Models;

        Assert.Equal(new[] { "claude-new-9", "deepseek-x" }, models.Select(m => m.Id));
        var table = new PriceTable(models);
        var claude = table.Resolve("claude-new-9-20270101");
        Assert.NotNull(claude);
        Assert.Equal(500_000, claude.ContextWindow);
        // Prompt 250k > 200k: input at $4, output has no tier and stays $10.
        Assert.Equal(1.01m, claude.Cost(new TokenCounts(250_000, 0, 0, 0, 1_000), Evening));
        Assert.Equal(0.0002m, table.Resolve("deepseek-x")!.Cost(new TokenCounts(1_000, 0, 0, 0, 0), new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(0.0001m, table.Resolve("deepseek-x")!.Cost(new TokenCounts(1_000, 0, 0, 0, 0), Evening));
    }

    [Fact]
    public void ModelsDev_catalog_prices_with_the_200k_tier_and_anthropic_1h_writes()
    {
        var path = Write("api.json", """
        {
          "anthropic": {"id": "anthropic", "name": "Anthropic", "models": {
            "claude-x-1": {"id": "claude-x-1", "name": "Claude X", "cost": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75,
              "context_over_200k": {"input": 6, "output": 22.5, "cache_read": 0.6, "cache_write": 7.5}}, "limit": {"context": 1000000, "output": 64000}}
          }},
          "xai": {"id": "xai", "name": "xAI", "models": {
            "grok-y": {"id": "grok-y", "cost": {"input": 0.2, "output": 1.5, "reasoning": 1.5, "cache_read": 0.05}, "limit": {"context": 256000, "output": 10000}},
            "free-thing": {"id": "free-thing", "limit": {"context": 8192}}
          }}
        }
        """);

        var models = new ModelsDevPriceImporter().Import(path, Imported).Models;

        Assert.Equal(new[] { "claude-x-1", "grok-y" }, models.Select(m => m.Id));
        var claude = models[0];
        Assert.Equal(1_000_000, claude.ContextWindow);
        Assert.Equal(new PriceRates { Input = 3m, Output = 15m, CacheRead = 0.3m, CacheWrite5m = 3.75m, CacheWrite1h = 6m }, claude.Periods[0].Rates);
        Assert.Equal(new PriceRates { Input = 6m, Output = 22.5m, CacheRead = 0.6m, CacheWrite5m = 7.5m, CacheWrite1h = 12m }, claude.Periods[0].LongContext);
        Assert.Equal("xai", models[1].Provider);
        // 10k*0.2 + 100k*0.05 + 2k*1.5 per million.
        Assert.Equal(0.01m, models[1].Cost(new TokenCounts(10_000, 100_000, 0, 0, 2_000), Evening));
    }

    [Fact]
    public void LiteLlm_entries_with_an_impossible_price_are_skipped_with_the_reason()
    {
        var path = Write("litellm-bad.json", """
        {
          "good-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "mode": "chat"},
          "negative-model": {"input_cost_per_token": -1, "output_cost_per_token": 2e-06, "mode": "chat"},
          "huge-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 1e308, "mode": "chat"},
          "text-model": {"input_cost_per_token": "0.000001", "output_cost_per_token": 2e-06, "mode": "chat"},
          "bad-tier-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "input_cost_per_token_above_200k_tokens": -5e-06, "mode": "chat"},
          "huge-threshold-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "input_cost_per_token_above_99999999999999999999k_tokens": 2e-06, "mode": "chat"},
          "null-cache-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "cache_read_input_token_cost": null, "mode": "chat"},
          "bad-embedding": {"input_cost_per_token": -1, "mode": "embedding"}
        }
        """);

        var import = new LiteLlmPriceImporter().Import(path, Imported);

        Assert.Equal(new[] { "good-model", "null-cache-model" }, import.Models.Select(m => m.Id));
        Assert.Equal(
            new[]
            {
                new SkippedPriceEntry("negative-model", "input_cost_per_token is -1; a price must be a number from 0 to 1000 USD per token"),
                new SkippedPriceEntry("huge-model", "output_cost_per_token is 1e308; a price must be a number from 0 to 1000 USD per token"),
                new SkippedPriceEntry("text-model", "input_cost_per_token is \"0.000001\"; a price must be a number from 0 to 1000 USD per token"),
                new SkippedPriceEntry("bad-tier-model", "input_cost_per_token_above_200k_tokens is -5e-06; a price must be a number from 0 to 1000 USD per token"),
                new SkippedPriceEntry("huge-threshold-model", "input_cost_per_token_above_99999999999999999999k_tokens names a token threshold too large to use"),
            },
            import.Skipped);
    }

    [Fact]
    public void Imports_merge_into_the_override_file_which_then_prices_events()
    {
        var source = Write("litellm.json", """{"team-model": {"input_cost_per_token": 5e-07, "output_cost_per_token": 1e-06, "litellm_provider": "openai", "mode": "chat"}}""");
        var overrides = Path.Combine(_folder, "home", "prices.json");

        Assert.Single(PriceOverrides.ImportInto(new LiteLlmPriceImporter(), source, overrides, Imported).Models);
        var second = Write("api.json", """{"mistral": {"id": "mistral", "models": {"team-model": {"id": "team-model", "cost": {"input": 0.7, "output": 0.9}}, "other": {"id": "other", "cost": {"input": 1, "output": 1}}}}}""");
        Assert.Equal(2, PriceOverrides.ImportInto(new ModelsDevPriceImporter(), second, overrides, Imported).Models.Count);

        var table = PriceTable.Load(overrides);
        Assert.Null(table.OverridesError);
        Assert.Equal(2, table.Overrides.Count);
        Assert.Equal(0.7m, table.Cost(new UsageEvent { Model = "team-model", Provider = "openai", Timestamp = Evening, InputTokens = 1_000_000 }));
        Assert.Equal(1m, table.Cost(new UsageEvent { Model = "other", Timestamp = Evening, OutputTokens = 1_000_000 }));
    }

    [Theory]
    [InlineData("litellm")]
    [InlineData("genai-prices")]
    [InlineData("models.dev")]
    public void Files_of_the_wrong_shape_are_refused_with_the_file_name(string format)
    {
        IPriceImporter importer = format switch
        {
            "litellm" => new LiteLlmPriceImporter(),
            "genai-prices" => new GenAiPricesImporter(),
            _ => new ModelsDevPriceImporter(),
        };
        var broken = Write("broken.json", "[1, 2");
        var error = Assert.Throws<InvalidDataException>(() => importer.Import(broken, Imported));
        Assert.Contains("broken.json", error.Message);
        Assert.Equal(format, importer.Format);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
