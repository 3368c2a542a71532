// Facade use cases of Enable-, Get- and Disable-TokentapExport: OTLP export settings and progress.
using Tokentap.Engine.Export;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpHeadersVariable = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string OtlpProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>
    /// Turns export on. Without <paramref name="endpoint"/> the OTEL_EXPORTER_OTLP_ENDPOINT variable names it, without
    /// <paramref name="headers"/> OTEL_EXPORTER_OTLP_HEADERS, without <paramref name="protocol"/> OTEL_EXPORTER_OTLP_PROTOCOL
    /// (http/protobuf or grpc, the two the .NET SDK speaks; http/protobuf when unset).
    /// Throws ExportEndpointMissing, ExportEndpointInvalid, ExportHeaderInvalid, ExportProtocolNotSupported, ExportSettings*.
    /// </summary>
    public TokentapExportStatus EnableExport(string? endpoint, IReadOnlyList<string>? headers, TokentapExportUser user, string? protocol = null)
    {
        endpoint ??= Environment.GetEnvironmentVariable(OtlpEndpointVariable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            throw EngineFailures.Refused("ExportEndpointMissing", TokentapErrorCategory.InvalidArgument,
                $"No endpoint: give -Endpoint (for example http://collector:4318) or set {OtlpEndpointVariable}.", null);
        }

        protocol ??= Environment.GetEnvironmentVariable(OtlpProtocolVariable);
        protocol = string.IsNullOrWhiteSpace(protocol) ? ExportSettings.HttpProtobuf : protocol.Trim().ToLowerInvariant();
        if (protocol is not (ExportSettings.HttpProtobuf or ExportSettings.Grpc))
        {
            throw EngineFailures.Refused("ExportProtocolNotSupported", TokentapErrorCategory.InvalidArgument,
                $"The OTLP protocol '{protocol}' is not supported: the OpenTelemetry .NET SDK exports over http/protobuf or grpc (not http/json).", protocol);
        }

        string normalized;
        Dictionary<string, string> parsedHeaders;
        try
        {
            normalized = ExportSettings.NormalizeEndpoint(endpoint);
        }
        catch (ArgumentException ex)
        {
            throw new TokentapException("ExportEndpointInvalid", TokentapErrorCategory.InvalidArgument, ex.Message, endpoint, ex, stopsCommand: true);
        }

        try
        {
            var headerEntries = headers ?? (Environment.GetEnvironmentVariable(OtlpHeadersVariable) is { Length: > 0 } fromVariable ? [fromVariable] : []);
            parsedHeaders = ExportSettings.ParseHeaders(headerEntries);
        }
        catch (ArgumentException ex)
        {
            throw new TokentapException("ExportHeaderInvalid", TokentapErrorCategory.InvalidArgument, ex.Message, null, ex, stopsCommand: true);
        }

        var settings = new ExportSettings { Enabled = true, Endpoint = normalized, Protocol = protocol, Headers = parsedHeaders, User = user };
        SaveExportSettings(settings);
        return GetExport();
    }

    /// <summary>Turns export off, keeping the endpoint and the position (Enable-TokentapExport continues from there).</summary>
    public TokentapExportStatus DisableExport()
    {
        if (LoadExportSettings() is { Enabled: true } settings)
        {
            SaveExportSettings(settings with { Enabled = false });
        }

        return GetExport();
    }

    /// <summary>The settings, the position reached and what is left to send, and this process's exporter's last results.</summary>
    public TokentapExportStatus GetExport()
    {
        var settings = LoadExportSettings();
        var worker = Runtime.Exporter?.Status;
        var position = worker?.Position ?? ExportPosition.Load(Runtime.Paths);
        long backlog;
        try
        {
            backlog = CountAfter(position);
        }
        catch (Exception ex) when (EngineFailures.Store(ex, DatabasePath) is { } failure)
        {
            throw failure;
        }

        return new TokentapExportStatus
        {
            Enabled = settings?.Enabled ?? false,
            Endpoint = settings?.Endpoint,
            Protocol = settings?.Protocol ?? ExportSettings.HttpProtobuf,
            HeaderNames = settings?.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList() ?? [],
            User = settings?.User ?? TokentapExportUser.On,
            Running = worker?.Running ?? false,
            Position = position,
            Backlog = backlog,
            Exported = worker?.Exported ?? 0,
            LastError = worker?.LastError,
            LastErrorTime = worker?.LastErrorTime,
            LastSuccessTime = worker?.LastSuccessTime,
            SettingsPath = ExportSettings.PathIn(Runtime.Paths),
        };
    }

    /// <summary>The export state for Get-Tokentap: null when export was never turned on or its state cannot be read now.</summary>
    private TokentapExportStatus? ExportForStatus()
    {
        if (!File.Exists(ExportSettings.PathIn(Runtime.Paths)))
        {
            return null;
        }

        try
        {
            return GetExport();
        }
        catch (TokentapException)
        {
            // Get-Tokentap reports the proxy; an unreadable export.json or a busy store shows in Get-TokentapExport.
            return null;
        }
    }

    private long CountAfter(long position)
    {
        var count = 0L;
        while (true)
        {
            var page = Runtime.Store.ReadAfter(position, max: 5000);
            count += page.Events.Count;
            if (!page.HasMore || page.Position == position)
            {
                return count;
            }

            position = page.Position;
        }
    }

    private ExportSettings? LoadExportSettings()
    {
        try
        {
            return ExportSettings.Load(Runtime.Paths);
        }
        catch (Exception ex) when (EngineFailures.ExportSettings(ex, ExportSettings.PathIn(Runtime.Paths)) is { } failure)
        {
            throw failure;
        }
    }

    private void SaveExportSettings(ExportSettings settings)
    {
        try
        {
            settings.Save(Runtime.Paths);
        }
        catch (Exception ex) when (EngineFailures.ExportSettings(ex, ExportSettings.PathIn(Runtime.Paths)) is { } failure)
        {
            throw failure;
        }
    }
}
