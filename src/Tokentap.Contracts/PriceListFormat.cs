// The price list formats Import-TokentapPrice reads.
namespace Tokentap;

/// <summary>The price list formats Import-TokentapPrice reads.</summary>
public enum PriceListFormat
{
    /// <summary>LiteLLM's model_prices_and_context_window.json (USD per token).</summary>
    LiteLLM,

    /// <summary>Pydantic's genai-prices data (providers with models, match rules and prices per million).</summary>
    GenAiPrices,

    /// <summary>The models.dev catalog (api.json: providers with models and cost per million).</summary>
    ModelsDev,
}
