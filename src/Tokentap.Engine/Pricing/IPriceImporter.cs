// The shape every price-list importer has: a file in, price table entries out.
namespace Tokentap.Engine.Pricing;

/// <summary>Reads a published price list into price table entries for the user's override table.</summary>
public interface IPriceImporter
{
    /// <summary>The format's name (litellm, genai-prices, models.dev).</summary>
    string Format { get; }

    /// <summary>
    /// Reads the file into models, and entries left out because a price in them cannot be right (with the reason);
    /// throws <see cref="InvalidDataException"/> naming the problem when the file is not this format.
    /// </summary>
    PriceListImport Import(string path, DateOnly retrieved);
}
