// The state of Tokentap in this PowerShell process (and the proxies other processes run), as Get-Tokentap and
// Start-Tokentap -PassThru report it.
namespace Tokentap;

/// <summary>Whether the proxy runs in this process, where it listens and what it has captured; which other processes run one.</summary>
public sealed class TokentapStatus
{
    /// <summary>True while the proxy listens in this process.</summary>
    public bool Running { get; init; }

    /// <summary>True when this shows demo mode's separate demo store (Start-Tokentap -Demo), never the real data.</summary>
    public bool Demo { get; init; }

    /// <summary>The demo preset while demo traffic runs; else null.</summary>
    public TokentapDemoPreset? DemoPreset { get; init; }

    /// <summary>The seed of the running demo (pass it to -Seed to get the same data again); else null.</summary>
    public int? DemoSeed { get; init; }

    /// <summary>The loopback port the proxy listens on; 0 when not running.</summary>
    public int Port { get; init; }

    /// <summary>The value given to HTTPS_PROXY (http://127.0.0.1:PORT); null when not running.</summary>
    public string? ProxyUrl { get; init; }

    /// <summary>
    /// Proxies that other processes (other shells) run for the same data folder; their events land in the same store.
    /// Empty when none does.
    /// </summary>
    public IReadOnlyList<TokentapOtherProxy> OtherProxies { get; init; } = Array.Empty<TokentapOtherProxy>();

    /// <summary>The session name events are tagged with.</summary>
    public string? Session { get; init; }

    /// <summary>When the proxy started (local time).</summary>
    public DateTime? StartTime { get; init; }

    /// <summary>How long the proxy has been running.</summary>
    public TimeSpan? Uptime { get; init; }

    /// <summary>Usage events captured by this proxy since it started.</summary>
    public long EventsCaptured { get; init; }

    /// <summary>Events captured but not yet committed to the database.</summary>
    public long EventsPending { get; init; }

    /// <summary>Events lost because the in-memory queue was full or the database refused them.</summary>
    public long EventsDropped { get; init; }

    /// <summary>Requests the proxy has forwarded (intercepted or tunnelled).</summary>
    public long Requests { get; init; }

    /// <summary>
    /// True while writing to the usage database fails (a full disk, a folder that cannot be written, a write that hung):
    /// captured events wait in memory (<see cref="EventsPending"/>) and are written once a write succeeds again.
    /// </summary>
    public bool WriteFailing { get; init; }

    /// <summary>The last failed write to the usage database, naming the file (kept after writes succeed again); null when none.</summary>
    public string? LastWriteError { get; init; }

    /// <summary>Decoded response bytes the usage parsers of this process hold now (large buffers only).</summary>
    public long DecodeBudgetUsedBytes { get; init; }

    /// <summary>The cap on <see cref="DecodeBudgetUsedBytes"/>: beyond it a response's usage is read from what fits, or flagged unreadable.</summary>
    public long DecodeBudgetCapBytes { get; init; }

    /// <summary>Failures seen by the proxy, parsers or store since start (details in <see cref="RecentErrors"/>).</summary>
    public long Failures { get; init; }

    /// <summary>The most recent failures, newest first.</summary>
    public IReadOnlyList<string> RecentErrors { get; init; } = Array.Empty<string>();

    /// <summary>Models seen without a known price (their Cost is null).</summary>
    public IReadOnlyList<string> UnpricedModels { get; init; } = Array.Empty<string>();

    /// <summary>Hosts whose HTTPS traffic is decrypted and read; everything else is tunnelled untouched.</summary>
    public IReadOnlyList<string> InterceptHosts { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Hosts added with -InterceptHost whose requests Tokentap decrypted but could not read (no wire format named and
    /// no known path shape), with how many; no usage was recorded for those requests.
    /// </summary>
    public IReadOnlyDictionary<string, long> UnreadableHosts { get; init; } = new Dictionary<string, long>();

    /// <summary>The Tokentap root certificate (PEM).</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>System roots plus the Tokentap root (PEM), for SSL_CERT_FILE and friends.</summary>
    public string? BundlePath { get; init; }

    /// <summary>The usage database.</summary>
    public string? DatabasePath { get; init; }

    /// <summary>The proxy upstream traffic goes through, when one was configured or inherited from HTTPS_PROXY.</summary>
    public string? UpstreamProxy { get; init; }

    /// <summary>True when Start-Tokentap set this session's proxy and certificate variables.</summary>
    public bool EnvironmentApplied { get; init; }

    /// <summary>The OTLP export's state (position, backlog, last error); null when export was never turned on.</summary>
    public TokentapExportStatus? Export { get; init; }
    /// <summary>
    /// Whether billed calls' prompts and responses are recorded (redacted): by the running proxy, or, when none runs,
    /// by the next one (the content.json setting of Enable-TokentapContentCapture).
    /// </summary>
    public bool ContentCapture { get; init; }
}
