// The OTLP export's settings and progress, as Get-TokentapExport and Enable-TokentapExport report them.
namespace Tokentap;

/// <summary>Where usage is exported to, how far the export has come and how it last went.</summary>
public sealed class TokentapExportStatus
{
    /// <summary>True when export is turned on in the data folder's export.json.</summary>
    public bool Enabled { get; init; }

    /// <summary>The OTLP base URL (http/protobuf adds the /v1/logs and /v1/metrics paths; grpc calls it as given); null when never configured.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The wire protocol: http/protobuf or grpc.</summary>
    public string Protocol { get; init; } = "http/protobuf";

    /// <summary>The names of the headers sent with each export (their values are not shown).</summary>
    public IReadOnlyList<string> HeaderNames { get; init; } = Array.Empty<string>();

    /// <summary>How the user is named in the resource attributes.</summary>
    public TokentapExportUser User { get; init; }

    /// <summary>True while an exporter runs in this process (it runs while a proxy runs here).</summary>
    public bool Running { get; init; }

    /// <summary>The store position up to which every event has been exported.</summary>
    public long Position { get; init; }

    /// <summary>Events stored after <see cref="Position"/>: what is still to be sent.</summary>
    public long Backlog { get; init; }

    /// <summary>Events exported by this process's exporter since it started.</summary>
    public long Exported { get; init; }

    /// <summary>The last export failure of this process's exporter; null when none happened.</summary>
    public string? LastError { get; init; }

    /// <summary>When that failure happened (UTC).</summary>
    public DateTime? LastErrorTime { get; init; }

    /// <summary>When events were last exported successfully (UTC).</summary>
    public DateTime? LastSuccessTime { get; init; }

    /// <summary>The settings file.</summary>
    public string SettingsPath { get; init; } = "";
}
