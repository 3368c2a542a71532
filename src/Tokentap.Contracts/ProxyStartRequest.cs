// What Start-Tokentap asks of the engine: the port, the hosts to read, upstream routing and the session name.
namespace Tokentap;

/// <summary>Options for starting this process's proxy (Tokentap.Engine.Facade.TokentapEngine.StartProxy).</summary>
public sealed record ProxyStartRequest
{
    /// <summary>The loopback port; 0 for an ephemeral one.</summary>
    public int Port { get; init; }

    /// <summary>When the port is taken, listen on the next free one instead of failing.</summary>
    public bool FallBackToNextFreePort { get; init; }

    /// <summary>Hosts to read on top of the built-in list: "host" or "host=format"; wildcards like *.example.com allowed.</summary>
    public IReadOnlyList<string> InterceptHosts { get; init; } = Array.Empty<string>();

    /// <summary>Host to base URI replacements for upstream requests (tests, corporate gateways).</summary>
    public IReadOnlyDictionary<string, Uri> UpstreamOverrides { get; init; } = new Dictionary<string, Uri>();

    /// <summary>The proxy upstream traffic goes through; null: the HTTPS_PROXY this process had, unless it is a Tokentap.</summary>
    public Uri? UpstreamProxy { get; init; }

    /// <summary>An extra PEM root certificate trusted for upstream servers (a full path).</summary>
    public string? UpstreamCaFile { get; init; }

    /// <summary>The session name events are tagged with; null: a timestamp and the process id.</summary>
    public string? Session { get; init; }

    /// <summary>Capture billed calls' prompts and responses (secrets redacted) for this proxy, whatever content.json says.</summary>
    public bool CaptureContent { get; init; }

    /// <summary>Whether the caller sets the session's variables (shown by Get-Tokentap as EnvironmentApplied).</summary>
    public bool AppliesEnvironment { get; init; }
}
