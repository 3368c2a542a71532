// Writes imported prices into the user's prices.json, replacing entries with the same id and keeping the rest.
namespace Tokentap.Engine.Pricing;

/// <summary>Maintains the override table file (TokentapPaths.PriceOverridesPath).</summary>
public static class PriceOverrides
{
    /// <summary>
    /// Imports a price list file into the override file and returns the models it brought and the entries it skipped. An existing override
    /// file that cannot be read stops the import (it is never overwritten blindly).
    /// </summary>
    public static PriceListImport ImportInto(IPriceImporter importer, string sourcePath, string overridesPath, DateOnly retrieved)
    {
        var imported = importer.Import(sourcePath, retrieved);
        Merge(overridesPath, imported.Models, retrieved);
        return imported;
    }

    /// <summary>Merges models into the override file (same id, ignoring case, is replaced) and writes it atomically.</summary>
    public static void Merge(string overridesPath, IReadOnlyList<ModelPrice> models, DateOnly written)
    {
        var merged = new List<ModelPrice>(File.Exists(overridesPath) ? PriceTable.ReadFile(overridesPath) : Array.Empty<ModelPrice>());
        foreach (var model in models)
        {
            var index = merged.FindIndex(m => string.Equals(m.Id, model.Id, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                merged[index] = model;
            }
            else
            {
                merged.Add(model);
            }
        }

        var sources = merged.Select(m => m.Source).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var directory = Path.GetDirectoryName(Path.GetFullPath(overridesPath))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(overridesPath)}.{Guid.NewGuid():N}.tmp");
        using (var stream = File.Create(temporary))
        {
            PriceTableJson.Write(stream, merged, written, sources);
        }

        File.Move(temporary, overridesPath, overwrite: true);
    }
}
