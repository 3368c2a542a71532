// Start-Tokentap: starts the proxy inside this pwsh process and points this session's clients at it.
using System.Collections;
using System.Management.Automation;
using System.Net.Sockets;
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Session;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Start, "Tokentap", SupportsShouldProcess = true)]
[OutputType(typeof(TokentapStatus))]
public sealed class StartTokentapCommand : TokentapCmdlet
{
    private const int DefaultPort = 8080;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The loopback port; default 8080, or the next free port when 8080 is taken.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// Extra hosts to decrypt and read, on top of the built-in LLM API hosts: "host" or "host=format" (anthropic,
    /// openai-chat, openai-responses, gemini); wildcards like *.example.com allowed.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] InterceptHost { get; set; } = Array.Empty<string>();

    /// <summary>A proxy for Tokentap's own upstream traffic; default: the HTTPS_PROXY this session had.</summary>
    [Parameter]
    public Uri? UpstreamProxy { get; set; }

    /// <summary>Host to base URI map used instead of the real hosts (tests, corporate gateways).</summary>
    [Parameter]
    public Hashtable? UpstreamOverride { get; set; }

    /// <summary>An extra PEM root certificate trusted when verifying upstream servers.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UpstreamCaFile { get; set; }

    /// <summary>The session name events are tagged with; default a timestamp and the process id.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Session { get; set; }

    /// <summary>Do not set the proxy and certificate variables for this session.</summary>
    [Parameter]
    public SwitchParameter NoEnvironment { get; set; }

    /// <summary>Emit the TokentapStatus.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        if (ModuleState.Session is { } running)
        {
            WriteInformation(new HostInformationMessage { Message = $"Tokentap is already running on {running.Listener.ProxyUrl} (session {running.Name})." }, new[] { "PSHOST" });
            EmitStatus();
            return;
        }

        var request = BuildRequest();
        var target = $"127.0.0.1:{(Port == 0 ? "ephemeral port" : Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
        if (!ShouldProcess(target, NoEnvironment ? "Start the Tokentap proxy" : "Start the Tokentap proxy and set this session's proxy and certificate variables"))
        {
            return;
        }

        ProxyListener listener;
        try
        {
            listener = ModuleState.Runtime.StartListenerAsync(request, _stopping.Token).GetAwaiter().GetResult();
        }
        catch (SocketException ex)
        {
            ThrowTerminating(
                new InvalidOperationException($"Port {Port} on 127.0.0.1 is not available ({ex.Message}). Choose another with -Port, or -Port 0 for any free port.", ex),
                "PortInUse",
                ErrorCategory.ResourceUnavailable,
                Port);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidOperationException)
        {
            ThrowTerminating(ex, "StartFailed", ErrorCategory.OpenError, target);
            return;
        }

        ReportAuthority(listener.Authority);
        if (listener.Port != listener.RequestedPort && listener.RequestedPort != 0)
        {
            WriteWarning($"Port {listener.RequestedPort} is in use; Tokentap listens on port {listener.Port} instead ({listener.ProxyUrl}).");
        }

        EnvironmentBackup? environment = null;
        if (!NoEnvironment)
        {
            environment = new EnvironmentBackup();
            environment.Apply(SessionEnvironment.Compute(
                listener.ProxyUrl,
                listener.Authority.Authority.CertificatePath,
                listener.Authority.Authority.BundlePath,
                Environment.GetEnvironmentVariable,
                caseSensitiveNames: !OperatingSystem.IsWindows(),
                WriteWarning));
            WriteVerbose($"Set {environment.Names.Count} variables for this session: {string.Join(", ", environment.Names)}.");
        }

        ModuleState.SetSession(new ActiveSession(listener, request, request.Tags.Session!, environment));
        BudgetAlerts.WrapPrompt(this);
        WriteInformation(new HostInformationMessage { Message = $"Tokentap is listening on {listener.ProxyUrl} (session {request.Tags.Session})." }, new[] { "PSHOST" });
        EmitStatus();
        WriteEngineNotices();
    }

    protected override void StopProcessing() => _stopping.Cancel();

    private ListenerRequest BuildRequest()
    {
        var overrides = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in UpstreamOverride ?? new Hashtable())
        {
            var host = entry.Key?.ToString();
            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            if (string.IsNullOrWhiteSpace(host) || value is null || !Uri.TryCreate(value.ToString(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                ThrowTerminating(
                    new ArgumentException($"-UpstreamOverride entry '{entry.Key}' = '{entry.Value}' must map a host name to an absolute http(s) URI."),
                    "InvalidUpstreamOverride",
                    ErrorCategory.InvalidArgument,
                    UpstreamOverride);
                continue;
            }

            overrides[host] = uri;
        }

        foreach (var entry in InterceptHost)
        {
            try
            {
                WireFormatNames.ValidateInterceptHost(entry);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminating(
                    new ArgumentException("-InterceptHost " + ex.Message, ex),
                    "InvalidInterceptHost",
                    ErrorCategory.InvalidArgument,
                    entry);
            }
        }

        string? caFile = null;
        if (UpstreamCaFile is not null)
        {
            caFile = GetUnresolvedProviderPathFromPSPath(UpstreamCaFile);
            if (!File.Exists(caFile))
            {
                ThrowTerminating(new FileNotFoundException($"-UpstreamCaFile '{caFile}' does not exist.", caFile), "UpstreamCaFileNotFound", ErrorCategory.ObjectNotFound, caFile);
            }
        }

        return new ListenerRequest
        {
            Port = Port,
            FallBackToNextFreePort = !MyInvocation.BoundParameters.ContainsKey(nameof(Port)),
            AdditionalInterceptHosts = InterceptHost,
            UpstreamOverrides = overrides,
            UpstreamProxy = UpstreamProxy ?? InheritedUpstreamProxy(),
            UpstreamCaFile = caFile,
            Tags = new ExchangeTags(Session ?? $"{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}", null, null),
        };
    }

    private void ReportAuthority(CertificateAuthorityOpenResult authority)
    {
        switch (authority.State)
        {
            case CertificateAuthorityState.Created:
                WriteInformation(new HostInformationMessage { Message = $"Created your Tokentap certificate authority: {authority.Authority.CertificatePath}" }, new[] { "PSHOST" });
                break;
            case CertificateAuthorityState.Reissued:
            case CertificateAuthorityState.Replaced:
                WriteWarning(authority.Message + (authority.PreviousThumbprint is null ? "" : " If you ran Install-TokentapCertificate, run it again to trust the new certificate."));
                break;
        }
    }

    private void EmitStatus()
    {
        if (PassThru)
        {
            WriteObject(StatusReader.Read());
        }
    }
}
