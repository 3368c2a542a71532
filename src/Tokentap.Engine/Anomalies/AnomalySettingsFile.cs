// Reads $TOKENTAP_HOME/anomalies.json: a small, human-edited file of thresholds, validated with line numbers.
using System.Globalization;
using System.Text.Json;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// The file holds one object per kind, each member optional (missing ones keep their default):
/// <code>
/// {
///   "cacheBreak": { "enabled": true, "minHits": 2, "hitRatio": 0.5, "missRatio": 0.1, "minTokens": 1024, "cacheTtlMinutes": 5 },
///   "retryLoop":  { "enabled": true, "count": 4, "windowSeconds": 60, "action": "Warn" },
///   "tokenSpike": { "enabled": true, "multiplier": 5, "minExtraTokens": 20000, "minHistory": 5 },
///   "errorBurst": { "enabled": true, "count": 5, "windowSeconds": 60 }
/// }
/// </code>
/// Every section also takes "action": "Warn" (the default); "Block" is allowed for retryLoop only.
/// Comments and trailing commas are allowed. Any other name, a wrong type or a value out of range is an
/// <see cref="InvalidDataException"/> naming the file, the line and what is allowed.
/// </summary>
public static class AnomalySettingsFile
{
    /// <summary>The file's path in a data folder.</summary>
    public static string PathIn(TokentapPaths paths) => Path.Combine(paths.Home, AnomalySettings.FileName);

    /// <summary>The settings in the data folder's file; the defaults when there is none.</summary>
    /// <exception cref="InvalidDataException">The file is not valid; the message names the line.</exception>
    public static AnomalySettings Load(TokentapPaths paths)
    {
        var path = PathIn(paths);
        if (!File.Exists(path))
        {
            // Most data folders have none: no exception on every start (the catch below is for a file removed meanwhile).
            return AnomalySettings.Default;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return AnomalySettings.Default;
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses the file's bytes; <paramref name="name"/> is used in error messages.</summary>
    public static AnomalySettings Parse(ReadOnlySpan<byte> json, string name)
    {
        var settings = AnomalySettings.Default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var data = json.ToArray();
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, data, name, "the file must hold one JSON object");
            while (Next(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
            {
                var section = reader.GetString()!;
                var sectionLine = Line(data, reader);
                if (section is not ("cacheBreak" or "retryLoop" or "tokenSpike" or "errorBurst"))
                {
                    throw new InvalidDataException($"{name} line {sectionLine}: unknown section '{section}'; the sections are cacheBreak, retryLoop, tokenSpike and errorBurst.");
                }

                Expect(ref reader, JsonTokenType.StartObject, data, name, $"'{section}' must be an object");
                while (Next(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var member = reader.GetString()!;
                    Next(ref reader);
                    settings = Apply(settings, section, member, ref reader, data, name);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name} line {(ex.LineNumber ?? 0) + 1}: not valid JSON ({ex.Message}).", ex);
        }

        return settings;
    }

    private static AnomalySettings Apply(AnomalySettings s, string section, string member, ref Utf8JsonReader reader, byte[] data, string name)
    {
        var line = Line(data, reader);
        switch (section, member)
        {
            case ("cacheBreak", "enabled"): return s with { CacheBreakEnabled = Bool(ref reader, data, name, section, member) };
            case ("cacheBreak", "minHits"): return s with { CacheBreakMinHits = (int)Number(ref reader, data, name, section, member, 1, 1000, whole: true) };
            case ("cacheBreak", "hitRatio"): return s with { CacheBreakHitRatio = Number(ref reader, data, name, section, member, 0.01, 1, whole: false) };
            case ("cacheBreak", "missRatio"): return s with { CacheBreakMissRatio = Number(ref reader, data, name, section, member, 0, 0.99, whole: false) };
            case ("cacheBreak", "minTokens"): return s with { CacheBreakMinTokens = (long)Number(ref reader, data, name, section, member, 0, 10_000_000, whole: true) };
            case ("cacheBreak", "cacheTtlMinutes"): return s with { CacheTtl = TimeSpan.FromMinutes(Number(ref reader, data, name, section, member, 0.1, 24 * 60, whole: false)) };
            case ("retryLoop", "enabled"): return s with { RetryLoopEnabled = Bool(ref reader, data, name, section, member) };
            case ("retryLoop", "count"): return s with { RetryLoopCount = (int)Number(ref reader, data, name, section, member, 2, 1000, whole: true) };
            case ("retryLoop", "windowSeconds"): return s with { RetryLoopWindow = TimeSpan.FromSeconds(Number(ref reader, data, name, section, member, 1, 86_400, whole: false)) };
            case ("tokenSpike", "enabled"): return s with { TokenSpikeEnabled = Bool(ref reader, data, name, section, member) };
            case ("tokenSpike", "multiplier"): return s with { TokenSpikeMultiplier = Number(ref reader, data, name, section, member, 1.1, 1000, whole: false) };
            case ("tokenSpike", "minExtraTokens"): return s with { TokenSpikeMinExtraTokens = (long)Number(ref reader, data, name, section, member, 0, 100_000_000, whole: true) };
            case ("tokenSpike", "minHistory"): return s with { TokenSpikeMinHistory = (int)Number(ref reader, data, name, section, member, 1, AnomalySettings.SpikeHistory, whole: true) };
            case ("errorBurst", "enabled"): return s with { ErrorBurstEnabled = Bool(ref reader, data, name, section, member) };
            case ("errorBurst", "count"): return s with { ErrorBurstCount = (int)Number(ref reader, data, name, section, member, 2, 1000, whole: true) };
            case ("errorBurst", "windowSeconds"): return s with { ErrorBurstWindow = TimeSpan.FromSeconds(Number(ref reader, data, name, section, member, 1, 86_400, whole: false)) };
            case ("retryLoop", "action"): return s with { RetryLoopAction = Action(ref reader, data, name, section, blockAllowed: true) };
            case (_, "action"):
                Action(ref reader, data, name, section, blockAllowed: false);
                return s;
        }

        var known = section switch
        {
            "cacheBreak" => "enabled, minHits, hitRatio, missRatio, minTokens, cacheTtlMinutes, action",
            "tokenSpike" => "enabled, multiplier, minExtraTokens, minHistory, action",
            _ => "enabled, count, windowSeconds, action",
        };
        throw new InvalidDataException($"{name} line {line}: unknown setting '{section}.{member}'; '{section}' takes {known}.");
    }

    private static bool Bool(ref Utf8JsonReader reader, byte[] data, string name, string section, string member) =>
        reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new InvalidDataException($"{name} line {Line(data, reader)}: '{section}.{member}' must be true or false."),
        };

    private static AnomalyAction Action(ref Utf8JsonReader reader, byte[] data, string name, string section, bool blockAllowed)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (text == "Warn")
        {
            return AnomalyAction.Warn;
        }

        if (text == "Block" && blockAllowed)
        {
            return AnomalyAction.Block;
        }

        var allowed = blockAllowed ? "\"Warn\" or \"Block\"" : "\"Warn\" (only retryLoop can Block)";
        throw new InvalidDataException($"{name} line {Line(data, reader)}: '{section}.action' must be {allowed}.");
    }

    private static double Number(ref Utf8JsonReader reader, byte[] data, string name, string section, string member, double min, double max, bool whole)
    {
        var kind = whole ? "a whole number" : "a number";
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || value < min || value > max || (whole && value != Math.Floor(value)))
        {
            throw new InvalidDataException(string.Format(
                CultureInfo.InvariantCulture, "{0} line {1}: '{2}.{3}' must be {4} from {5} to {6}.", name, Line(data, reader), section, member, kind, min, max));
        }

        return value;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, byte[] data, string name, string what)
    {
        if (!Next(ref reader) || reader.TokenType != type)
        {
            throw new InvalidDataException($"{name} line {Line(data, reader)}: {what}.");
        }
    }

    private static bool Next(ref Utf8JsonReader reader) => reader.Read();

    private static long Line(byte[] data, Utf8JsonReader reader)
    {
        var end = (int)Math.Min(reader.TokenStartIndex, data.Length);
        return data.AsSpan(0, end).Count((byte)'\n') + 1;
    }
}
