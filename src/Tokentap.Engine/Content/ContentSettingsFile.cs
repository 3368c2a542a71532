// Reads and writes $TOKENTAP_HOME/content.json, the persistent content capture setting.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Content;

/// <summary>
/// The file is one JSON object, every member optional:
/// <code>{ "enabled": true, "maxContentSize": 104857600, "retentionDays": 30, "redactPatterns": ["ACME-[0-9]{6}"] }</code>
/// Comments and trailing commas are allowed. A wrong type, a negative number or a pattern that is not a valid regular
/// expression is an <see cref="InvalidDataException"/> naming the file and the member. Written owner-only.
/// </summary>
internal static class ContentSettingsFile
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static string PathIn(TokentapPaths paths) => Path.Combine(paths.Home, ContentSettings.FileName);

    /// <summary>The data folder's settings; the defaults when there is no file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid.</exception>
    public static ContentSettings Load(TokentapPaths paths)
    {
        var path = PathIn(paths);
        if (!File.Exists(path))
        {
            // Most data folders have none: no exception on every start (the catch below is for a file removed meanwhile).
            return ContentSettings.Default;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ContentSettings.Default;
        }

        return Parse(text, path);
    }

    /// <summary>Parses the file's text; <paramref name="name"/> is used in error messages.</summary>
    public static ContentSettings Parse(string text, string name)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: ReadOptions) as JsonObject
                ?? throw new InvalidDataException($"{name}: the file must hold one JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name} line {(ex.LineNumber ?? 0) + 1}: not valid JSON ({ex.Message}).", ex);
        }

        var settings = ContentSettings.Default;
        foreach (var (member, value) in root)
        {
            settings = member switch
            {
                "enabled" => settings with { Enabled = Read<bool>(value, name, member) },
                "maxContentSize" => settings with { MaxContentBytes = NotNegative(Read<long>(value, name, member), name, member) },
                "retentionDays" => settings with { RetentionDays = (int)NotNegative(Read<int>(value, name, member), name, member) },
                "redactPatterns" => settings with { RedactPatterns = Patterns(value, name) },
                _ => throw new InvalidDataException($"{name}: unknown member '{member}'; the members are enabled, maxContentSize, retentionDays and redactPatterns."),
            };
        }

        return settings;
    }

    /// <summary>Writes the settings (owner-only, atomically), creating the data folder when needed.</summary>
    public static void Save(TokentapPaths paths, ContentSettings settings)
    {
        paths.EnsureHome();
        var root = new JsonObject
        {
            ["enabled"] = settings.Enabled,
            ["maxContentSize"] = settings.MaxContentBytes,
            ["retentionDays"] = settings.RetentionDays,
            ["redactPatterns"] = new JsonArray(settings.RedactPatterns.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
        };
        OwnerOnlyFile.WriteSecret(PathIn(paths), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
    }

    private static T Read<T>(JsonNode? value, string name, string member)
    {
        try
        {
            return value is JsonValue v ? v.GetValue<T>() : throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            var wanted = typeof(T) == typeof(bool) ? "true or false" : typeof(T) == typeof(string) ? "a list of strings (regular expressions)" : "a whole number";
            throw new InvalidDataException($"{name}: '{member}' must be {wanted}.", ex);
        }
    }

    private static long NotNegative(long value, string name, string member) =>
        value >= 0 ? value : throw new InvalidDataException($"{name}: '{member}' must not be negative.");

    private static List<string> Patterns(JsonNode? value, string name)
    {
        if (value is not JsonArray array)
        {
            throw new InvalidDataException($"{name}: 'redactPatterns' must be an array of regular expressions.");
        }

        var patterns = new List<string>();
        foreach (var item in array)
        {
            var pattern = Read<string>(item, name, "redactPatterns");
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{name}: redactPatterns entry '{pattern}' is not a valid regular expression ({ex.Message}).", ex);
            }

            patterns.Add(pattern);
        }

        return patterns;
    }
}
