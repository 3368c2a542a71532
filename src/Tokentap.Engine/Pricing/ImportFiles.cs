// Small helpers the price importers share: reading the file and its values.
using System.Text.Json;

namespace Tokentap.Engine.Pricing;

internal static class ImportFiles
{
    /// <summary>Parses a JSON file; bad JSON becomes <see cref="InvalidDataException"/> naming the file.</summary>
    public static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: not valid JSON ({ex.Message})", ex);
        }
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static decimal? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && PriceTableJson.TryReadDecimal(value, out var number) && number >= 0
            ? number
            : null;
}
