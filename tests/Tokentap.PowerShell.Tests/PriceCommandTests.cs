// Get-TokentapPrice and Import-TokentapPrice through the module.
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class PriceCommandTests(ModuleFixture module) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tt-prices-").FullName;

    [Fact]
    public void A_dated_snapshot_resolves_to_its_model_price()
    {
        var price = module.Run("Get-TokentapPrice claude-sonnet-4-5-20250929").Single<ModelPriceInfo>();

        Assert.Equal("claude-sonnet-4-5", price.Model);
        Assert.Equal("anthropic", price.Provider);
        Assert.Equal((3m, 15m, 0.3m, 3.75m, 6m), (price.Input!.Value, price.Output!.Value, price.CacheRead!.Value, price.CacheWrite5m!.Value, price.CacheWrite1h!.Value));
        Assert.Equal(200000, price.LongContextAbove);
        Assert.Equal(6m, price.LongContextInput);
        Assert.False(price.IsOverride);
        Assert.StartsWith("@pydantic/genai-prices@", price.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Wildcards_list_matching_models_and_an_unknown_model_is_an_error()
    {
        var opus = module.Run("Get-TokentapPrice 'claude-opus-4-*' -Provider anthropic").ThrowIfFailed().Objects<ModelPriceInfo>();
        var unknown = module.Run("Get-TokentapPrice no-such-model-xyz");

        Assert.Contains(opus, p => p.Model == "claude-opus-4-8" && p.Input == 5m && p.Output == 25m);
        Assert.All(opus, p => Assert.StartsWith("claude-opus-4-", p.Model, StringComparison.Ordinal));
        Assert.StartsWith("PriceNotFound,", Assert.Single(unknown.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void An_imported_LiteLLM_list_becomes_an_override_that_prices_resolve_to()
    {
        var file = Path.Combine(_dir, "model_prices_and_context_window.json");
        File.WriteAllText(file, """
            {
              "sample_spec": { "input_cost_per_token": 0 },
              "corp-gateway-model-e2e": {
                "litellm_provider": "openai", "mode": "chat", "max_input_tokens": 128000,
                "input_cost_per_token": 0.000002, "output_cost_per_token": 0.000008, "cache_read_input_token_cost": 0.0000005
              }
            }
            """);

        var result = module.Run("Import-TokentapPrice -Path $args[0] -Format LiteLLM", file).Single<PriceImportResult>();
        var price = module.Run("Get-TokentapPrice corp-gateway-model-e2e").Single<ModelPriceInfo>();

        Assert.Equal(1, result.Models);
        Assert.Equal(Path.Combine(module.Home, "prices.json"), result.OverridesPath);
        Assert.True(price.IsOverride);
        Assert.Equal((2m, 8m, 0.5m, 128000L), (price.Input!.Value, price.Output!.Value, price.CacheRead!.Value, price.ContextWindow!.Value));
    }

    [Fact]
    public void LiteLLM_entries_with_impossible_prices_are_skipped_with_a_warning_naming_the_value()
    {
        var file = Path.Combine(_dir, "litellm-bad.json");
        File.WriteAllText(file, """
            {
              "corp-ok-model-e2e": { "mode": "chat", "input_cost_per_token": 0.000001, "output_cost_per_token": 0.000002 },
              "corp-negative-model-e2e": { "mode": "chat", "input_cost_per_token": -1, "output_cost_per_token": 0.000002 },
              "corp-huge-model-e2e": { "mode": "chat", "input_cost_per_token": 0.000001, "output_cost_per_token": 1e308 }
            }
            """);

        var result = module.Run("Import-TokentapPrice $args[0] LiteLLM", file);

        Assert.Equal(1, result.Single<PriceImportResult>().Models);
        Assert.Equal(
            new[]
            {
                "Skipped 'corp-negative-model-e2e': input_cost_per_token is -1; a price must be a number from 0 to 1000 USD per token.",
                "Skipped 'corp-huge-model-e2e': output_cost_per_token is 1e308; a price must be a number from 0 to 1000 USD per token.",
            },
            result.Warnings.Where(w => w.StartsWith("Skipped ", StringComparison.Ordinal)));
        Assert.Empty(module.Run("Get-TokentapPrice corp-negative-model-e2e").Objects<ModelPriceInfo>());
    }

    [Fact]
    public void A_malformed_price_list_is_refused_and_prices_json_is_untouched()
    {
        var file = Path.Combine(_dir, "broken.json");
        File.WriteAllText(file, "{ not json");
        var overrides = Path.Combine(module.Home, "prices.json");
        var before = File.Exists(overrides) ? File.ReadAllText(overrides) : null;

        var result = module.Run("Import-TokentapPrice $args[0] ModelsDev", file);

        Assert.StartsWith("PriceListInvalid,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(before, File.Exists(overrides) ? File.ReadAllText(overrides) : null);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
