// Reads and writes the price table's JSON form, shared by the embedded table, prices.json and the importers.
using System.Globalization;
using System.Text.Json;

namespace Tokentap.Engine.Pricing;

/// <summary>
/// The price table schema: {"schema":1, "generated":"2026-11-22", "unit":"USD per million tokens", "sources":[...],
/// "models":[{"id", "provider", "match", "contextWindow", "source", "retrieved", "prices":[{"from" | "utcStart"+"utcEnd",
/// "input", "output", "cacheRead", "cacheWrite5m", "cacheWrite1h", "longContext":{"above", rates...}}]}]}.
/// </summary>
public static class PriceTableJson
{
    /// <summary>Reads the models of a table; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static IReadOnlyList<ModelPrice> ReadModels(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("expected an object with a \"models\" array");
            }

            var result = new List<ModelPrice>();
            var index = 0;
            foreach (var model in models.EnumerateArray())
            {
                try
                {
                    result.Add(ReadModel(model));
                }
                catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or FormatException)
                {
                    var id = model.ValueKind == JsonValueKind.Object && model.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                        ? $" '{idElement.GetString()}'"
                        : "";
                    throw new InvalidDataException($"models[{index}]{id}: {ex.Message}", ex);
                }

                index++;
            }

            return result;
        }
    }

    /// <summary>Writes a table with the given models.</summary>
    public static void Write(Stream stream, IEnumerable<ModelPrice> models, DateOnly generated, IEnumerable<string> sources)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteNumber("schema", 1);
        writer.WriteString("generated", generated.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        writer.WriteString("unit", "USD per million tokens");
        writer.WriteStartArray("sources");
        foreach (var source in sources)
        {
            writer.WriteStartObject();
            writer.WriteString("package", source);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("models");
        foreach (var model in models)
        {
            WriteModel(writer, model);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static ModelPrice ReadModel(JsonElement model)
    {
        if (model.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("a model must be an object");
        }

        var id = model.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new InvalidDataException("a model needs an \"id\"");
        }

        if (!model.TryGetProperty("prices", out var prices) || prices.ValueKind != JsonValueKind.Array || prices.GetArrayLength() == 0)
        {
            throw new InvalidDataException("a model needs a non-empty \"prices\" array");
        }

        var periods = prices.EnumerateArray().Select(ReadPeriod).ToArray();
        return new ModelPrice
        {
            Id = id,
            Provider = OptionalString(model, "provider"),
            Match = model.TryGetProperty("match", out var match) && match.ValueKind != JsonValueKind.Null ? ModelMatch.Parse(match) : null,
            ContextWindow = model.TryGetProperty("contextWindow", out var window) && window.ValueKind == JsonValueKind.Number ? window.GetInt64() : null,
            Source = OptionalString(model, "source"),
            Retrieved = OptionalString(model, "retrieved") is { } retrieved ? ParseDate(retrieved) : null,
            Periods = periods,
        };
    }

    private static PricePeriod ReadPeriod(JsonElement period)
    {
        if (period.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("a price entry must be an object");
        }

        var rates = ReadRates(period);
        if (!rates.HasTokenPrices)
        {
            throw new InvalidDataException("a price entry needs \"input\" or \"output\"");
        }

        var start = OptionalString(period, "utcStart");
        var end = OptionalString(period, "utcEnd");
        if ((start is null) != (end is null))
        {
            throw new InvalidDataException("\"utcStart\" and \"utcEnd\" go together");
        }

        long? above = null;
        PriceRates? longContext = null;
        if (period.TryGetProperty("longContext", out var tier) && tier.ValueKind == JsonValueKind.Object)
        {
            if (!tier.TryGetProperty("above", out var aboveElement) || aboveElement.ValueKind != JsonValueKind.Number)
            {
                throw new InvalidDataException("\"longContext\" needs \"above\"");
            }

            above = aboveElement.GetInt64();
            longContext = ReadRates(tier);
        }

        return new PricePeriod
        {
            From = OptionalString(period, "from") is { } from ? ParseDate(from) : null,
            UtcStart = start is null ? null : ParseTime(start),
            UtcEnd = end is null ? null : ParseTime(end),
            Rates = rates,
            LongContextAbove = above,
            LongContext = longContext,
        };
    }

    private static PriceRates ReadRates(JsonElement element) => new()
    {
        Input = OptionalRate(element, "input"),
        Output = OptionalRate(element, "output"),
        CacheRead = OptionalRate(element, "cacheRead"),
        CacheWrite5m = OptionalRate(element, "cacheWrite5m"),
        CacheWrite1h = OptionalRate(element, "cacheWrite1h"),
    };

    private static decimal? OptionalRate(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !TryReadDecimal(value, out var rate) || rate < 0)
        {
            throw new InvalidDataException($"\"{name}\" must be a non-negative number");
        }

        return rate;
    }

    /// <summary>Reads a JSON number as decimal, including exponent forms such as 3e-06.</summary>
    internal static bool TryReadDecimal(JsonElement value, out decimal result)
    {
        if (value.TryGetDecimal(out result))
        {
            return true;
        }

        return decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out result);
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateOnly ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new InvalidDataException($"'{text}' is not a yyyy-MM-dd date");

    private static TimeOnly ParseTime(string text) =>
        TimeOnly.TryParseExact(text.TrimEnd('Z'), new[] { "HH:mm:ss", "HH:mm" }, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new InvalidDataException($"'{text}' is not an HH:mm:ss time");

    private static void WriteModel(Utf8JsonWriter writer, ModelPrice model)
    {
        writer.WriteStartObject();
        writer.WriteString("id", model.Id);
        if (model.Provider is not null)
        {
            writer.WriteString("provider", model.Provider);
        }

        if (model.Match is not null)
        {
            writer.WritePropertyName("match");
            model.Match.Write(writer);
        }

        if (model.ContextWindow is { } window)
        {
            writer.WriteNumber("contextWindow", window);
        }

        if (model.Source is not null)
        {
            writer.WriteString("source", model.Source);
        }

        if (model.Retrieved is { } retrieved)
        {
            writer.WriteString("retrieved", retrieved.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        writer.WriteStartArray("prices");
        foreach (var period in model.Periods)
        {
            writer.WriteStartObject();
            if (period.From is { } from)
            {
                writer.WriteString("from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            if (period.UtcStart is { } start && period.UtcEnd is { } end)
            {
                writer.WriteString("utcStart", start.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
                writer.WriteString("utcEnd", end.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            }

            WriteRates(writer, period.Rates);
            if (period.LongContext is { } tier && period.LongContextAbove is { } above)
            {
                writer.WriteStartObject("longContext");
                writer.WriteNumber("above", above);
                WriteRates(writer, tier);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteRates(Utf8JsonWriter writer, PriceRates rates)
    {
        WriteRate(writer, "input", rates.Input);
        WriteRate(writer, "output", rates.Output);
        WriteRate(writer, "cacheRead", rates.CacheRead);
        WriteRate(writer, "cacheWrite5m", rates.CacheWrite5m);
        WriteRate(writer, "cacheWrite1h", rates.CacheWrite1h);
    }

    private static void WriteRate(Utf8JsonWriter writer, string name, decimal? rate)
    {
        if (rate is { } value)
        {
            writer.WriteNumber(name, value);
        }
    }
}
