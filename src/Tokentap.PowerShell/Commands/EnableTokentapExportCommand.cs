// Enable-TokentapExport: turns on the OTLP export of usage to an OpenTelemetry collector (settings in $TOKENTAP_HOME).
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Enable, "TokentapExport", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapExportStatus))]
public sealed class EnableTokentapExportCommand : TokentapCmdlet
{
    /// <summary>The collector's OTLP base URL; default $env:OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>Headers sent with each export, as name=value; default $env:OTEL_EXPORTER_OTLP_HEADERS.</summary>
    [Parameter]
    public string[]? Header { get; set; }

    /// <summary>http/protobuf or grpc; default $env:OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf.</summary>
    [Parameter]
    [ValidateSet("http/protobuf", "grpc")]
    public string? Protocol { get; set; }

    /// <summary>How the user is named in the resource attributes.</summary>
    [Parameter]
    public TokentapExportUser User { get; set; } = TokentapExportUser.On;

    protected override void EndProcessing()
    {
        var target = Endpoint ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") ?? "(no endpoint)";
        if (!ShouldProcess(target, "Export Tokentap usage over OTLP"))
        {
            return;
        }

        WithEngine(() => WriteObject(Engine.EnableExport(Endpoint, Header, User, Protocol)));
    }
}
