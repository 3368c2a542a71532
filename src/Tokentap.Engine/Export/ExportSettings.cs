// The export settings of a data folder: $TOKENTAP_HOME/export.json, written by Enable-/Disable-TokentapExport.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tokentap.Engine.Export;

/// <summary>The OTLP endpoint, headers, protocol and user attribute; absent file means export was never turned on.</summary>
public sealed record ExportSettings
{
    public const string FileName = "export.json";
    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public bool Enabled { get; init; }

    /// <summary>The OTLP base URL, e.g. http://collector:4318 (http/protobuf) or http://collector:4317 (grpc).</summary>
    public string Endpoint { get; init; } = "";

    /// <summary><see cref="HttpProtobuf"/> or <see cref="Grpc"/> (OTEL_EXPORTER_OTLP_PROTOCOL's values the SDK supports).</summary>
    public string Protocol { get; init; } = HttpProtobuf;

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public TokentapExportUser User { get; init; } = TokentapExportUser.On;

    public static string PathIn(TokentapPaths paths) => Path.Combine(paths.Home, FileName);

    /// <summary>The settings, or null when the file does not exist. Throws InvalidDataException for a bad file.</summary>
    public static ExportSettings? Load(TokentapPaths paths)
    {
        var path = PathIn(paths);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ExportSettings>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid export settings: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the file whole and owner-only: its headers are the collector's credentials.</summary>
    public void Save(TokentapPaths paths)
    {
        paths.EnsureHome();
        OwnerOnlyFile.WriteSecret(PathIn(paths), JsonSerializer.Serialize(this, Json));
    }

    /// <summary>
    /// Parses "k=v,k2=v2" (the OTEL_EXPORTER_OTLP_HEADERS form, values URL-encoded) or single "k=v" entries.
    /// Throws ArgumentException for an entry without '='.
    /// </summary>
    public static Dictionary<string, string> ParseHeaders(IEnumerable<string> entries)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"The header '{entry}' is not name=value.");
            }

            headers[entry[..equals].Trim()] = Uri.UnescapeDataString(entry[(equals + 1)..].Trim());
        }

        return headers;
    }

    /// <summary>The endpoint checked: an absolute http or https URL, without a trailing slash.</summary>
    public static string NormalizeEndpoint(string endpoint)
    {
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The endpoint '{endpoint}' is not an http or https URL.");
        }

        return uri.ToString().TrimEnd('/');
    }
}
