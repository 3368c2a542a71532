// A rule that decides whether a model id names a priced model (equals, starts_with, regex, or/and of rules, ...).
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Pricing;

/// <summary>
/// A model-id match rule in the genai-prices vocabulary: {"equals": ...}, {"starts_with": ...}, {"ends_with": ...},
/// {"contains": ...}, {"regex": ...}, {"or": [...]}, {"and": [...]}. Text comparisons ignore case.
/// </summary>
public sealed class ModelMatch
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);
    private readonly Regex? _regex;

    private ModelMatch(ModelMatchKind kind, string? value, IReadOnlyList<ModelMatch> children)
    {
        Kind = kind;
        Value = value;
        Children = children;
        if (kind == ModelMatchKind.Regex)
        {
            _regex = new Regex(value!, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, RegexTimeout);
        }
    }

    /// <summary>The kind of test.</summary>
    public ModelMatchKind Kind { get; }

    /// <summary>The text or pattern of a leaf rule; null for or/and.</summary>
    public string? Value { get; }

    /// <summary>The rules combined by or/and; empty for a leaf rule.</summary>
    public IReadOnlyList<ModelMatch> Children { get; }

    /// <summary>A leaf rule; a bad regex throws <see cref="ArgumentException"/>.</summary>
    public static ModelMatch Leaf(ModelMatchKind kind, string value) => new(kind, value, Array.Empty<ModelMatch>());

    /// <summary>An or/and of rules.</summary>
    public static ModelMatch Combine(ModelMatchKind kind, IReadOnlyList<ModelMatch> children) => new(kind, null, children);

    /// <summary>True when the id satisfies the rule.</summary>
    public bool IsMatch(string id) => Kind switch
    {
        ModelMatchKind.Equals => string.Equals(id, Value, StringComparison.OrdinalIgnoreCase),
        ModelMatchKind.StartsWith => id.StartsWith(Value!, StringComparison.OrdinalIgnoreCase),
        ModelMatchKind.EndsWith => id.EndsWith(Value!, StringComparison.OrdinalIgnoreCase),
        ModelMatchKind.Contains => id.Contains(Value!, StringComparison.OrdinalIgnoreCase),
        ModelMatchKind.Regex => IsRegexMatch(id),
        ModelMatchKind.Or => Children.Any(c => c.IsMatch(id)),
        ModelMatchKind.And => Children.All(c => c.IsMatch(id)),
        _ => false,
    };

    /// <summary>Reads a rule from its JSON form; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static ModelMatch Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("a match rule must be an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            var kind = property.Name switch
            {
                "equals" => ModelMatchKind.Equals,
                "starts_with" => ModelMatchKind.StartsWith,
                "ends_with" => ModelMatchKind.EndsWith,
                "contains" => ModelMatchKind.Contains,
                "regex" => ModelMatchKind.Regex,
                "or" => ModelMatchKind.Or,
                "and" => ModelMatchKind.And,
                _ => throw new InvalidDataException($"unknown match rule '{property.Name}'"),
            };
            if (kind is ModelMatchKind.Or or ModelMatchKind.And)
            {
                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException($"match rule '{property.Name}' needs an array");
                }

                return Combine(kind, property.Value.EnumerateArray().Select(Parse).ToArray());
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"match rule '{property.Name}' needs a string");
            }

            try
            {
                return Leaf(kind, property.Value.GetString()!);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"bad regex '{property.Value.GetString()}': {ex.Message}", ex);
            }
        }

        throw new InvalidDataException("an empty match rule");
    }

    /// <summary>Writes the rule in its JSON form.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        var name = Kind switch
        {
            ModelMatchKind.Equals => "equals",
            ModelMatchKind.StartsWith => "starts_with",
            ModelMatchKind.EndsWith => "ends_with",
            ModelMatchKind.Contains => "contains",
            ModelMatchKind.Regex => "regex",
            ModelMatchKind.Or => "or",
            _ => "and",
        };
        if (Kind is ModelMatchKind.Or or ModelMatchKind.And)
        {
            writer.WriteStartArray(name);
            foreach (var child in Children)
            {
                child.Write(writer);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteString(name, Value);
        }

        writer.WriteEndObject();
    }

    private bool IsRegexMatch(string id)
    {
        try
        {
            return _regex!.IsMatch(id);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
