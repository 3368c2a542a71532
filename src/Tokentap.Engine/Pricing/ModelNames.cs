// The names a reported model id may be priced under, and which price provider to look at first.
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Pricing;

/// <summary>
/// Turns a model id as reported (models/gemini-2.5-pro, anthropic/claude-sonnet-4.5, claude-sonnet-4-5@20250929,
/// mistral-large-2411, deepseek-chat:free) into candidate names, most specific first.
/// </summary>
internal static partial class ModelNames
{
    [GeneratedRegex(@"-(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{2}|\d{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateSuffix();

    [GeneratedRegex(@"-v\d+(?::\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex BedrockVersionSuffix();

    /// <summary>The candidate names, the id itself first.</summary>
    public static List<string> Candidates(string model)
    {
        var candidates = new List<string>(6);
        var name = model.Trim();
        Add(candidates, name);
        if (name.StartsWith("models/", StringComparison.OrdinalIgnoreCase))
        {
            name = name["models/".Length..];
            Add(candidates, name);
        }

        var slash = name.LastIndexOf('/');
        if (slash >= 0 && slash < name.Length - 1)
        {
            name = name[(slash + 1)..];
            Add(candidates, name);
        }

        var bedrock = name.IndexOf("anthropic.", StringComparison.OrdinalIgnoreCase);
        if (bedrock >= 0)
        {
            name = BedrockVersionSuffix().Replace(name[(bedrock + "anthropic.".Length)..], "");
            Add(candidates, name);
        }

        var colon = name.IndexOf(':');
        if (colon > 0)
        {
            name = name[..colon];
            Add(candidates, name);
        }

        var at = name.IndexOf('@');
        if (at > 0)
        {
            name = name[..at];
            Add(candidates, name);
        }

        if (name.EndsWith("-latest", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^"-latest".Length];
            Add(candidates, name);
        }

        var undated = DateSuffix().Replace(name, "");
        if (undated.Length > 0)
        {
            Add(candidates, undated);
        }

        return candidates;
    }

    /// <summary>
    /// The price provider to search first: the host that bills (a UsageEvent provider) unless it is a router, in
    /// which case the vendor prefix of the id (anthropic/..., google/...) says it.
    /// </summary>
    public static string? PriceProvider(string? eventProvider, string model)
    {
        var fromHost = eventProvider?.ToLowerInvariant() switch
        {
            "anthropic" => "anthropic",
            "openai" or "azure-openai" or "chatgpt" => "openai",
            "google" or "google-code-assist" => "google",
            "deepseek" => "deepseek",
            "mistral" => "mistral",
            "xai" => "xai",
            "groq" => "groq",
            "together" => "together",
            _ => null,
        };
        if (fromHost is not null)
        {
            return fromHost;
        }

        var slash = model.IndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        return model[..slash].ToLowerInvariant() switch
        {
            "anthropic" => "anthropic",
            "openai" => "openai",
            "google" => "google",
            "deepseek" => "deepseek",
            "mistralai" or "mistral" => "mistral",
            "x-ai" or "xai" => "xai",
            _ => null,
        };
    }

    private static void Add(List<string> candidates, string name)
    {
        if (name.Length > 0 && !candidates.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            candidates.Add(name);
        }
    }
}
