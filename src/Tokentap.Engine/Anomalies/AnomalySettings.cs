// The thresholds of anomaly detection, with defaults drawn from how the real clients behave (docs/anomalies.md).
namespace Tokentap.Engine.Anomalies;

/// <summary>
/// What counts as an anomaly. The defaults are argued in docs/anomalies.md; the user changes them in
/// $TOKENTAP_HOME/anomalies.json (see <see cref="AnomalySettingsFile"/>).
/// </summary>
public sealed record AnomalySettings
{
    /// <summary>The settings when there is no anomalies.json.</summary>
    public static AnomalySettings Default { get; } = new();

    /// <summary>The file name in $TOKENTAP_HOME.</summary>
    public const string FileName = "anomalies.json";

    /// <summary>How many prompts of a session and model the token-spike median is taken over (the newest ones).</summary>
    public const int SpikeHistory = 200;

    /// <summary>Whether cache breaks are looked for.</summary>
    public bool CacheBreakEnabled { get; init; } = true;

    /// <summary>Consecutive cache hits that make a run a break can end.</summary>
    public int CacheBreakMinHits { get; init; } = 2;

    /// <summary>A request is a cache hit when cache reads are at least this share of its prompt.</summary>
    public double CacheBreakHitRatio { get; init; } = 0.5;

    /// <summary>A request breaks the cache when its cache reads are below this share of the prefix cached before.</summary>
    public double CacheBreakMissRatio { get; init; } = 0.1;

    /// <summary>Prefixes smaller than this are not expected to be cached (providers cache 1,024 tokens and more).</summary>
    public long CacheBreakMinTokens { get; init; } = 1024;

    /// <summary>
    /// A miss after this long a pause is the cache expiring, not breaking (Anthropic's default TTL is 5 minutes; a
    /// request that wrote a 1 hour cache gets an hour).
    /// </summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether retry loops are looked for.</summary>
    public bool RetryLoopEnabled { get; init; } = true;

    /// <summary>This many identical requests within <see cref="RetryLoopWindow"/> are a retry loop.</summary>
    public int RetryLoopCount { get; init; } = 4;

    /// <summary>The time the identical requests of a retry loop fall within.</summary>
    public TimeSpan RetryLoopWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Warn, or Block: refuse every further identical request while its retry loop is open (until none has been sent
    /// for <see cref="RetryLoopWindow"/>).
    /// </summary>
    public AnomalyAction RetryLoopAction { get; init; } = AnomalyAction.Warn;

    /// <summary>Whether token spikes are looked for.</summary>
    public bool TokenSpikeEnabled { get; init; } = true;

    /// <summary>A prompt this many times the session's median prompt (same model) is a spike.</summary>
    public double TokenSpikeMultiplier { get; init; } = 5;

    /// <summary>And it must exceed the median by at least this many tokens (small sessions vary a lot, cheaply).</summary>
    public long TokenSpikeMinExtraTokens { get; init; } = 20_000;

    /// <summary>Prompts of the session and model seen before a spike can be judged.</summary>
    public int TokenSpikeMinHistory { get; init; } = 5;

    /// <summary>Whether error bursts are looked for.</summary>
    public bool ErrorBurstEnabled { get; init; } = true;

    /// <summary>This many failed requests of a session within <see cref="ErrorBurstWindow"/> are a burst.</summary>
    public int ErrorBurstCount { get; init; } = 5;

    /// <summary>The time the failed requests of a burst fall within.</summary>
    public TimeSpan ErrorBurstWindow { get; init; } = TimeSpan.FromSeconds(60);
}
