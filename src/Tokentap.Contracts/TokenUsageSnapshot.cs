// What Watch-TokenUsage shows at one moment: the window's totals, burn rate, series, models, latest requests,
// context and subscription gauges, and warnings. Scripts get the same object the screen is drawn from.
namespace Tokentap;

/// <summary>
/// The live view's state at <see cref="Time"/> for one window and filter. Totals cover the events at or after
/// <see cref="WindowStart"/>; the burn rate covers the last 15 minutes; the context gauges cover the sessions active
/// in the last 30 minutes; the limit gauges come from the newest Anthropic response that carried them.
/// </summary>
public sealed class TokenUsageSnapshot
{
    /// <summary>When the snapshot was computed, in UTC.</summary>
    public DateTime Time { get; init; }

    /// <summary>The window the totals cover.</summary>
    public TokenUsageWindow Window { get; init; }

    /// <summary>The first instant the totals include, in UTC (the window's start, or -Since when that is later).</summary>
    public DateTime WindowStart { get; init; }

    /// <summary>Whether a proxy captures usage for this data folder, here or in another process.</summary>
    public TokentapProxyState ProxyState { get; init; }

    /// <summary>True when these figures are demo mode's synthetic data (Start-Tokentap -Demo), not real usage.</summary>
    public bool Demo { get; init; }

    /// <summary>The port of the proxy (the first one when several run); 0 when none runs.</summary>
    public int ProxyPort { get; init; }

    /// <summary>The process the proxy runs in; 0 when none runs.</summary>
    public int ProxyProcessId { get; init; }

    /// <summary>Number of exchanges in the window.</summary>
    public long Requests { get; init; }

    /// <summary>Exchanges in the window that did not succeed.</summary>
    public long Errors { get; init; }

    /// <summary>Uncached input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    public long CacheReadTokens { get; init; }

    /// <summary>Input tokens written to the prompt cache.</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>Output tokens, reasoning included.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Input + cache read + cache write + output tokens.</summary>
    public long TotalTokens => InputTokens + CacheReadTokens + CacheWriteTokens + OutputTokens;

    /// <summary>Sum of the known costs in US dollars (see <see cref="UnpricedRequests"/>).</summary>
    public decimal Cost { get; init; }

    /// <summary>Exchanges whose cost is unknown (not included in <see cref="Cost"/>).</summary>
    public long UnpricedRequests { get; init; }

    /// <summary>Exchanges whose token numbers were estimated.</summary>
    public long EstimatedRequests { get; init; }

    /// <summary>Errors / Requests (0 to 1; 0 when there were no requests).</summary>
    public double ErrorRate { get; init; }

    /// <summary>Cache read / (input + cache read + cache write) (0 to 1; 0 when there was no input).</summary>
    public double CacheHitRatio { get; init; }

    /// <summary>
    /// What the cache reads saved in US dollars against the full input price, at each model's standard rates now; null when
    /// no model of the window has a known price.
    /// </summary>
    public decimal? CacheReadSavings { get; init; }

    /// <summary>
    /// What the cache writes cost beyond the full input price in US dollars, at each model's standard rates now, every write
    /// priced as a 5 minute write (the live totals do not keep the 1 hour share; Get-TokenUsageSummary -CacheSavings
    /// does); null like <see cref="CacheReadSavings"/>.
    /// </summary>
    public decimal? CacheWriteExtraCost { get; init; }

    /// <summary><see cref="CacheReadSavings"/> minus <see cref="CacheWriteExtraCost"/>.</summary>
    public decimal? NetCacheSavings => CacheReadSavings - CacheWriteExtraCost;

    /// <summary>Burn rate: the known cost of the last 15 minutes, per hour.</summary>
    public decimal CostPerHour { get; init; }

    /// <summary>Burn rate: all tokens of the last 15 minutes, per minute.</summary>
    public double TokensPerMinute { get; init; }

    /// <summary>The length of one step of <see cref="Series"/>.</summary>
    public TimeSpan SeriesInterval { get; init; }

    /// <summary>The window step by step, oldest first (the sparkline).</summary>
    public IReadOnlyList<TokenUsageSeriesPoint> Series { get; init; } = Array.Empty<TokenUsageSeriesPoint>();

    /// <summary>Per provider and model, the most expensive first.</summary>
    public IReadOnlyList<TokenUsageModelRow> Models { get; init; } = Array.Empty<TokenUsageModelRow>();

    /// <summary>The newest requests of the window, newest first.</summary>
    public IReadOnlyList<UsageEvent> RecentRequests { get; init; } = Array.Empty<UsageEvent>();

    /// <summary>
    /// True when content capture was on as watching began (this process's proxy captures, or content.json turns it on):
    /// <see cref="Previews"/> then holds the prompt previews of the latest requests whose content was captured.
    /// </summary>
    public bool ContentCapture { get; init; }

    /// <summary>
    /// One-line prompt previews of <see cref="RecentRequests"/> by event Id: the last user message's first line,
    /// whitespace collapsed, secrets redacted (read from the content store). Empty when capture is off; a request
    /// whose content was not captured has none.
    /// </summary>
    public IReadOnlyDictionary<Guid, string> Previews { get; init; } = new Dictionary<Guid, string>();

    /// <summary>The newest failed request of the window, or null.</summary>
    public UsageEvent? LastFailedRequest { get; init; }

    /// <summary>Context-window gauges of the sessions active in the last 30 minutes, most recent first.</summary>
    public IReadOnlyList<TokenUsageContextGauge> Contexts { get; init; } = Array.Empty<TokenUsageContextGauge>();

    /// <summary>
    /// Subscription limit gauges (5h, 7d) when an Anthropic response reported them, then each provider's API rate
    /// limits (requests, tokens, input and output tokens) from the newest response of the last half hour or later that
    /// reported them; else empty.
    /// </summary>
    public IReadOnlyList<TokenUsageLimitGauge> Limits { get; init; } = Array.Empty<TokenUsageLimitGauge>();

    /// <summary>The budgets of budgets.json with their spend in the current period (independent of the window); else empty.</summary>
    public IReadOnlyList<TokenUsageBudgetGauge> Budgets { get; init; } = Array.Empty<TokenUsageBudgetGauge>();

    /// <summary>Models of the window whose price is unknown.</summary>
    public IReadOnlyList<string> UnpricedModels { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Anomalies among the requests of the last 30 minutes (cache breaks, retry loops, token spikes, error bursts),
    /// newest first.
    /// </summary>
    public IReadOnlyList<TokenUsageAnomaly> Anomalies { get; init; } = Array.Empty<TokenUsageAnomaly>();

    /// <summary>What deserves attention: errors, unknown prices, estimated numbers, store problems.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}
