// Imports LiteLLM's model_prices_and_context_window.json (per-token USD prices) into price table entries.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Pricing;

/// <summary>
/// LiteLLM format: {"model-id": {"input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost",
/// "cache_creation_input_token_cost", "cache_creation_input_token_cost_above_1hr", "*_above_200k_tokens",
/// "max_input_tokens", "litellm_provider", "mode"}}. Prices are per token and become per million; chat, responses
/// and completion models with an input or output price are taken, ids kept as written. An entry with a price that
/// cannot be right (negative, not a number, above <see cref="MaxPerToken"/> USD per token) is skipped with the reason,
/// rather than imported with that price missing.
/// </summary>
public sealed partial class LiteLlmPriceImporter : IPriceImporter
{
    private const decimal PerMillion = 1_000_000m;

    /// <summary>The highest per-token price taken: a million times above any real model, and far from overflowing.</summary>
    public const decimal MaxPerToken = 1000m;

    private static readonly string[] PriceKeys =
    {
        "input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost",
        "cache_creation_input_token_cost", "cache_creation_input_token_cost_above_1hr",
    };

    public string Format => "litellm";

    [GeneratedRegex(@"^(?:input|output)_cost_per_token_above_(\d+)k_tokens$", RegexOptions.CultureInvariant)]
    private static partial Regex TierKey();

    public PriceListImport Import(string path, DateOnly retrieved)
    {
        using var document = ImportFiles.Parse(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: expected an object of models (LiteLLM format)");
        }

        var source = $"LiteLLM {Path.GetFileName(path)}";
        var models = new List<ModelPrice>();
        var skipped = new List<SkippedPriceEntry>();
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            var spec = entry.Value;
            if (entry.Name == "sample_spec" || spec.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var mode = ImportFiles.String(spec, "mode");
            if (mode is not null and not ("chat" or "responses" or "completion"))
            {
                continue;
            }

            var rates = Rates(spec, "");
            if (!rates.HasTokenPrices && !spec.EnumerateObject().Any(p => IsPriceKey(p.Name)))
            {
                continue;
            }

            var problem = ImpossiblePrice(spec);
            long? threshold = null;
            foreach (var property in spec.EnumerateObject())
            {
                var match = TierKey().Match(property.Name);
                if (match.Success)
                {
                    if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var thousands) || thousands > long.MaxValue / 1000)
                    {
                        problem ??= $"{property.Name} names a token threshold too large to use";
                        continue;
                    }

                    threshold = threshold is null ? thousands * 1000 : Math.Min(threshold.Value, thousands * 1000);
                }
            }

            if (problem is not null)
            {
                skipped.Add(new SkippedPriceEntry(entry.Name, problem));
                continue;
            }

            if (!rates.HasTokenPrices)
            {
                continue;
            }

            PriceRates? longContext = null;
            if (threshold is { } t)
            {
                var tier = Rates(spec, $"_above_{t / 1000}k_tokens");
                longContext = new PriceRates
                {
                    Input = tier.Input ?? rates.Input,
                    Output = tier.Output ?? rates.Output,
                    CacheRead = tier.CacheRead ?? rates.CacheRead,
                    CacheWrite5m = tier.CacheWrite5m ?? rates.CacheWrite5m,
                    CacheWrite1h = tier.CacheWrite1h ?? rates.CacheWrite1h,
                };
            }

            models.Add(new ModelPrice
            {
                Id = entry.Name,
                Provider = Provider(ImportFiles.String(spec, "litellm_provider")),
                ContextWindow = spec.TryGetProperty("max_input_tokens", out var window) && window.ValueKind == JsonValueKind.Number && window.TryGetInt64(out var w) ? w : null,
                Source = source,
                Retrieved = retrieved,
                Periods = new[] { new PricePeriod { Rates = rates, LongContextAbove = longContext is null ? null : threshold, LongContext = longContext } },
            });
        }

        return new PriceListImport(models, skipped);
    }

    /// <summary>The first price in the entry that cannot be right, described, or null when all are usable.</summary>
    private static string? ImpossiblePrice(JsonElement spec)
    {
        foreach (var property in spec.EnumerateObject())
        {
            if (!IsPriceKey(property.Name) || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var value = property.Value;
            if (value.ValueKind != JsonValueKind.Number || !PriceTableJson.TryReadDecimal(value, out var price) || price < 0 || price > MaxPerToken)
            {
                return $"{property.Name} is {value.GetRawText()}; a price must be a number from 0 to {MaxPerToken.ToString(CultureInfo.InvariantCulture)} USD per token";
            }
        }

        return null;
    }

    private static bool IsPriceKey(string name) =>
        Array.IndexOf(PriceKeys, name) >= 0
        || (name.Contains("_above_", StringComparison.Ordinal) && name.EndsWith("k_tokens", StringComparison.Ordinal)
            && Array.Exists(PriceKeys, key => name.StartsWith(key + "_above_", StringComparison.Ordinal)));

    private static PriceRates Rates(JsonElement spec, string suffix) => new()
    {
        Input = PerToken(spec, "input_cost_per_token" + suffix),
        Output = PerToken(spec, "output_cost_per_token" + suffix),
        CacheRead = PerToken(spec, "cache_read_input_token_cost" + suffix),
        CacheWrite5m = PerToken(spec, "cache_creation_input_token_cost" + suffix),
        CacheWrite1h = PerToken(spec, "cache_creation_input_token_cost_above_1hr" + suffix),
    };

    private static decimal? PerToken(JsonElement spec, string name) =>
        ImportFiles.Number(spec, name) is { } perToken ? Math.Round(perToken * PerMillion, 10) : null;

    private static string? Provider(string? litellmProvider) => litellmProvider switch
    {
        null => null,
        "anthropic" => "anthropic",
        "openai" or "text-completion-openai" => "openai",
        "gemini" => "google",
        "deepseek" => "deepseek",
        "mistral" or "codestral" => "mistral",
        "xai" => "xai",
        "groq" => "groq",
        "together_ai" => "together",
        _ => litellmProvider,
    };
}
