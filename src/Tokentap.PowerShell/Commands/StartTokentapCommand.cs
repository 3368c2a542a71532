// Start-Tokentap: starts the proxy inside this pwsh process and points this session's clients at it, or demo mode.
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Start, "Tokentap", SupportsShouldProcess = true, DefaultParameterSetName = "Proxy")]
[OutputType(typeof(TokentapStatus))]
public sealed class StartTokentapCommand : StartOptionsCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The loopback port; default 8080, or the next free port when 8080 is taken.</summary>
    [Parameter(ParameterSetName = "Proxy"), ValidateRange(0, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>Extra hosts to decrypt and read: "host" or "host=format" (anthropic, openai-chat, openai-responses, gemini).</summary>
    [Parameter(ParameterSetName = "Proxy"), ValidateNotNullOrEmpty]
    public string[] InterceptHost { get; set; } = Array.Empty<string>();

    /// <summary>A proxy for Tokentap's own upstream traffic; default: the HTTPS_PROXY this session had.</summary>
    [Parameter(ParameterSetName = "Proxy")]
    public Uri? UpstreamProxy { get; set; }

    /// <summary>Host to base URI map used instead of the real hosts (tests, corporate gateways).</summary>
    [Parameter(ParameterSetName = "Proxy")]
    public System.Collections.Hashtable? UpstreamOverride { get; set; }

    /// <summary>An extra PEM root certificate trusted when verifying upstream servers.</summary>
    [Parameter(ParameterSetName = "Proxy"), ValidateNotNullOrEmpty]
    public string? UpstreamCaFile { get; set; }

    /// <summary>The session name events are tagged with; default a timestamp and the process id.</summary>
    [Parameter(ParameterSetName = "Proxy"), ValidateNotNullOrEmpty]
    public string? Session { get; set; }

    /// <summary>Do not set the proxy and certificate variables for this session.</summary>
    [Parameter(ParameterSetName = "Proxy")]
    public SwitchParameter NoEnvironment { get; set; }

    /// <summary>Record billed calls' prompts and responses (secrets redacted), whatever Enable-TokentapContentCapture set.</summary>
    [Parameter(ParameterSetName = "Proxy")]
    public SwitchParameter CaptureContent { get; set; }

    protected override void EndProcessing() => WithEngine(() =>
    {
        if (Demo || Engine.DemoRunning)
        {
            Emit(StartDemo());
        }
        else if (Engine.ProxyUrl is { } running)
        {
            WriteHostLine($"Tokentap is already running on {running} (session {Engine.ProxySession}).");
            EmitRunning();
        }
        else if (Request() is var request && ShouldProcess($"127.0.0.1:{(Port == 0 ? "ephemeral port" : Port)}", NoEnvironment ? "Start the Tokentap proxy" : "Start the Tokentap proxy and set this session's proxy and certificate variables")
            && Engine.TryStartProxy(request, this, _stopping.Token))
        {
            ModuleState.BeginSession(NoEnvironment ? null : Engine.GetEnvironment(null, this), this);
            WriteHostLine($"Tokentap is listening on {Engine.ProxyUrl} (session {Engine.ProxySession}).");
            EmitRunning();
        }
    });

    protected override void StopProcessing() => _stopping.Cancel();

    private ProxyStartRequest Request() => TokentapEngine.CheckStartRequest(new ProxyStartRequest
    {
        Port = Port,
        FallBackToNextFreePort = !MyInvocation.BoundParameters.ContainsKey(nameof(Port)),
        InterceptHosts = InterceptHost,
        UpstreamOverrides = TokentapEngine.ParseUpstreamOverrides(UpstreamOverride),
        UpstreamProxy = UpstreamProxy,
        UpstreamCaFile = UpstreamCaFile is null ? null : GetUnresolvedProviderPathFromPSPath(UpstreamCaFile),
        Session = Session,
        AppliesEnvironment = !NoEnvironment,
        CaptureContent = CaptureContent,
    });
}
