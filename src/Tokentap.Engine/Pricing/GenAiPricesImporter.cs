// Imports the genai-prices data format (providers with models, match rules, tiered and dated prices).
using System.Text.Json;

namespace Tokentap.Engine.Pricing;

/// <summary>
/// genai-prices format: an array of providers (or {"providers": [...]}) each with "id" and "models":
/// [{"id", "match", "context_window", "prices": {"input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok",
/// "cache_write_1h_mtok"} or [{"constraint": {"start_date"} | {"start_time","end_time"}, "prices": {...}}]}]. A tiered
/// price {"base", "tiers": [{"start", "price"}]} becomes the long-context tier (the lowest tier when there are several).
/// Prices are already per million tokens; other units (audio, images, searches) are left out.
/// </summary>
public sealed class GenAiPricesImporter : IPriceImporter
{
    public string Format => "genai-prices";

    public PriceListImport Import(string path, DateOnly retrieved)
    {
        using var document = ImportFiles.Parse(path);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("providers", out var inner))
        {
            root = inner;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: expected an array of providers (genai-prices format)");
        }

        var source = $"genai-prices {Path.GetFileName(path)}";
        var models = new List<ModelPrice>();
        foreach (var provider in root.EnumerateArray())
        {
            var providerId = ImportFiles.String(provider, "id");
            if (providerId is null || !provider.TryGetProperty("models", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)}: a provider needs \"id\" and \"models\"");
            }

            foreach (var model in list.EnumerateArray())
            {
                var id = ImportFiles.String(model, "id");
                if (id is null || !model.TryGetProperty("prices", out var prices))
                {
                    continue;
                }

                try
                {
                    var periods = Periods(prices).Where(p => p.Rates.HasTokenPrices).ToArray();
                    if (periods.Length == 0)
                    {
                        continue;
                    }

                    models.Add(new ModelPrice
                    {
                        Id = id,
                        Provider = providerId == "x-ai" ? "xai" : providerId,
                        Match = model.TryGetProperty("match", out var match) ? ModelMatch.Parse(match) : null,
                        ContextWindow = model.TryGetProperty("context_window", out var window) && window.ValueKind == JsonValueKind.Number && window.TryGetInt64(out var w) ? w : null,
                        Source = source,
                        Retrieved = retrieved,
                        Periods = periods,
                    });
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException($"{Path.GetFileName(path)}: model '{id}': {ex.Message}", ex);
                }
            }
        }

        return new PriceListImport(models, Array.Empty<SkippedPriceEntry>());
    }

    private static IEnumerable<PricePeriod> Periods(JsonElement prices)
    {
        if (prices.ValueKind == JsonValueKind.Object)
        {
            yield return Period(prices, default);
            yield break;
        }

        if (prices.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("\"prices\" must be an object or an array");
        }

        foreach (var conditional in prices.EnumerateArray())
        {
            if (!conditional.TryGetProperty("prices", out var inner) || inner.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("a conditional price needs \"prices\"");
            }

            conditional.TryGetProperty("constraint", out var constraint);
            yield return Period(inner, constraint);
        }
    }

    private static PricePeriod Period(JsonElement prices, JsonElement constraint)
    {
        long? threshold = null;
        foreach (var key in new[] { "input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok" })
        {
            if (prices.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Object && FirstTier(value) is { } tier)
            {
                threshold = threshold is null ? tier.Start : Math.Min(threshold.Value, tier.Start);
            }
        }

        var rates = new PriceRates
        {
            Input = Rate(prices, "input_mtok", null),
            Output = Rate(prices, "output_mtok", null),
            CacheRead = Rate(prices, "cache_read_mtok", null),
            CacheWrite5m = Rate(prices, "cache_write_mtok", null),
            CacheWrite1h = Rate(prices, "cache_write_1h_mtok", null),
        };
        PriceRates? longContext = threshold is { } above
            ? new PriceRates
            {
                Input = Rate(prices, "input_mtok", above),
                Output = Rate(prices, "output_mtok", above),
                CacheRead = Rate(prices, "cache_read_mtok", above),
                CacheWrite5m = Rate(prices, "cache_write_mtok", above),
                CacheWrite1h = Rate(prices, "cache_write_1h_mtok", above),
            }
            : null;

        DateOnly? from = null;
        TimeOnly? start = null;
        TimeOnly? end = null;
        if (constraint.ValueKind == JsonValueKind.Object)
        {
            if (ImportFiles.String(constraint, "start_date") is { } date)
            {
                from = DateOnly.TryParse(date, System.Globalization.CultureInfo.InvariantCulture, out var d)
                    ? d
                    : throw new InvalidDataException($"bad start_date '{date}'");
            }

            if (ImportFiles.String(constraint, "start_time") is { } startText && ImportFiles.String(constraint, "end_time") is { } endText)
            {
                start = Time(startText);
                end = Time(endText);
            }
        }

        return new PricePeriod { From = from, UtcStart = start, UtcEnd = end, Rates = rates, LongContextAbove = threshold, LongContext = longContext };
    }

    // The rate of a key for prompts above a threshold (null: the base rate).
    private static decimal? Rate(JsonElement prices, string key, long? above)
    {
        if (!prices.TryGetProperty(key, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return PriceTableJson.TryReadDecimal(value, out var flat) ? flat : throw new InvalidDataException($"bad {key}");
        }

        if (value.ValueKind != JsonValueKind.Object || ImportFiles.Number(value, "base") is not { } baseRate)
        {
            throw new InvalidDataException($"{key} must be a number or tiered prices");
        }

        if (above is null || FirstTier(value) is not { } tier || tier.Start != above)
        {
            return baseRate;
        }

        return tier.Price;
    }

    private static (long Start, decimal Price)? FirstTier(JsonElement tiered)
    {
        if (!tiered.TryGetProperty("tiers", out var tiers) || tiers.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        (long Start, decimal Price)? lowest = null;
        foreach (var tier in tiers.EnumerateArray())
        {
            if (tier.TryGetProperty("start", out var start) && start.ValueKind == JsonValueKind.Number && start.TryGetInt64(out var s)
                && ImportFiles.Number(tier, "price") is { } price && (lowest is null || s < lowest.Value.Start))
            {
                lowest = (s, price);
            }
        }

        return lowest;
    }

    private static TimeOnly Time(string text) =>
        TimeOnly.TryParse(text.TrimEnd('Z'), System.Globalization.CultureInfo.InvariantCulture, out var time)
            ? time
            : throw new InvalidDataException($"bad time '{text}'");
}
