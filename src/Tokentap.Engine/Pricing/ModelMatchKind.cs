// The kinds of rule a model-id match is built from (the genai-prices match vocabulary).
namespace Tokentap.Engine.Pricing;

/// <summary>How a <see cref="ModelMatch"/> tests a model id.</summary>
public enum ModelMatchKind
{
    Equals,
    StartsWith,
    EndsWith,
    Contains,
    Regex,
    Or,
    And,
}
