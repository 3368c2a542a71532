// Imports the models.dev catalog format (api.json: providers with models, cost per million tokens, limits).
using System.Text.Json;

namespace Tokentap.Engine.Pricing;

/// <summary>
/// models.dev format: {"provider-id": {"id", "models": {"model-id": {"id", "cost": {"input", "output", "cache_read",
/// "cache_write", "context_over_200k": {...}}, "limit": {"context"}}}}}, or one such provider object alone. The
/// catalog has no 1 hour cache write price; for Anthropic models it is set to 2x the input price, the multiplier
/// Anthropic publishes for 1 hour cache writes.
/// </summary>
public sealed class ModelsDevPriceImporter : IPriceImporter
{
    private const long ContextOver200kThreshold = 200_000;

    public string Format => "models.dev";

    public PriceListImport Import(string path, DateOnly retrieved)
    {
        using var document = ImportFiles.Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: expected an object of providers (models.dev format)");
        }

        var providers = root.TryGetProperty("models", out _) ? new[] { root } : root.EnumerateObject().Select(p => p.Value).ToArray();
        var source = $"models.dev {Path.GetFileName(path)}";
        var models = new List<ModelPrice>();
        foreach (var provider in providers)
        {
            if (provider.ValueKind != JsonValueKind.Object || !provider.TryGetProperty("models", out var list) || list.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var providerId = ProviderId(ImportFiles.String(provider, "id"));
            foreach (var entry in list.EnumerateObject())
            {
                if (!entry.Value.TryGetProperty("cost", out var cost) || cost.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var rates = Rates(cost, providerId);
                if (!rates.HasTokenPrices)
                {
                    continue;
                }

                PriceRates? longContext = null;
                if (cost.TryGetProperty("context_over_200k", out var over) && over.ValueKind == JsonValueKind.Object)
                {
                    var tier = Rates(over, providerId);
                    longContext = new PriceRates
                    {
                        Input = tier.Input ?? rates.Input,
                        Output = tier.Output ?? rates.Output,
                        CacheRead = tier.CacheRead ?? rates.CacheRead,
                        CacheWrite5m = tier.CacheWrite5m ?? rates.CacheWrite5m,
                        CacheWrite1h = tier.CacheWrite1h ?? rates.CacheWrite1h,
                    };
                }

                entry.Value.TryGetProperty("limit", out var limit);
                models.Add(new ModelPrice
                {
                    Id = ImportFiles.String(entry.Value, "id") ?? entry.Name,
                    Provider = providerId,
                    ContextWindow = limit.ValueKind == JsonValueKind.Object && limit.TryGetProperty("context", out var context)
                        && context.ValueKind == JsonValueKind.Number && context.TryGetInt64(out var c) ? c : null,
                    Source = source,
                    Retrieved = retrieved,
                    Periods = new[]
                    {
                        new PricePeriod { Rates = rates, LongContextAbove = longContext is null ? null : ContextOver200kThreshold, LongContext = longContext },
                    },
                });
            }
        }

        return new PriceListImport(models, Array.Empty<SkippedPriceEntry>());
    }

    private static PriceRates Rates(JsonElement cost, string? provider)
    {
        var input = ImportFiles.Number(cost, "input");
        return new PriceRates
        {
            Input = input,
            Output = ImportFiles.Number(cost, "output"),
            CacheRead = ImportFiles.Number(cost, "cache_read"),
            CacheWrite5m = ImportFiles.Number(cost, "cache_write"),
            CacheWrite1h = provider == "anthropic" && input is { } i ? i * 2 : null,
        };
    }

    private static string? ProviderId(string? id) => id switch
    {
        "togetherai" => "together",
        "x-ai" => "xai",
        _ => id,
    };
}
